/**
 * The AI gateway's language-model service, exported to other plugins: {@link io.voicecore.aigateway.api.LanguageModel}
 * and the immutable records it takes and returns. Only JDK types appear here, so a consumer needs nothing but this
 * package.
 *
 * <p>A consumer declares it in its {@code plugin.yaml} and obtains it per call:
 *
 * <pre>{@code
 * permissions:
 *   - {name: services, reason: Asks the AI gateway for replies.}
 * services:
 *   requires:
 *     - {plugin: ai-gateway, version: ">=0.2.0 <1.0.0", service: io.voicecore.aigateway.api.LanguageModel}
 *
 * LanguageModel model = context.services().require(LanguageModel.class);
 * Completion reply = model.complete(new CompletionRequest(persona, List.of(Message.user("Are you open today?"))));
 * }</pre>
 *
 * <p>The gateway runs with its own permissions and data: the tenant enables plugin {@code ai-gateway} (granting what
 * it declares) and, for the online path, sets its secret {@code openai.api-key}.
 */
package io.voicecore.aigateway.api;
