/**
 * The AI gateway's services, exported to other plugins: the language model {@link io.voicecore.aigateway.api.LanguageModel}
 * and, since 0.3.0, speech for phone calls {@link io.voicecore.aigateway.api.Speech} (with {@link
 * io.voicecore.aigateway.api.PhoneAudio} and the G.711 codec {@link io.voicecore.aigateway.api.MuLaw}), and the
 * immutable types they take and return. Only JDK types appear here, so a consumer needs nothing but this package; a
 * consumer that requires either service may use every type of the package.
 *
 * <p>A consumer declares it in its {@code plugin.yaml} and obtains it per call:
 *
 * <pre>{@code
 * permissions:
 *   - {name: services, reason: Asks the AI gateway for replies.}
 * services:
 *   requires:
 *     - {plugin: ai-gateway, version: ">=0.3.0 <1.0.0", service: io.voicecore.aigateway.api.LanguageModel}
 *     - {plugin: ai-gateway, version: ">=0.3.0 <1.0.0", service: io.voicecore.aigateway.api.Speech}
 *
 * LanguageModel model = context.services().require(LanguageModel.class);
 * Completion reply = model.complete(new CompletionRequest(persona, List.of(Message.user("Are you open today?"))));
 * Transcript heard = context.services().require(Speech.class).transcribe(PhoneAudio.ofMuLaw(frames), Optional.of("es"));
 * }</pre>
 *
 * <p>The gateway runs with its own permissions and data: the tenant enables plugin {@code ai-gateway} (granting what
 * it declares) and, for the online path and for speech, sets its secret {@code openai.api-key}.
 */
package io.voicecore.aigateway.api;
