package io.voicecore.aigateway.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tenant's language model, as the AI gateway offers it to other plugins. Obtain it per call with
 * {@code context.services().require(LanguageModel.class)}; it acts for the calling tenant with the gateway's own
 * configuration, secrets and permissions.
 *
 * <p>Without an OpenAI key ({@code offline} mode) every answer comes from the gateway's deterministic offline engine.
 * With a key, completions go to the provider through the kernel's egress, with a response cache, retries and a
 * circuit breaker; when the provider cannot answer, the offline engine answers instead and
 * {@link Completion#fallbackReason()} says why. Analysis is always done locally.
 */
public interface LanguageModel {

    /**
     * Answers the conversation in {@code request}: the assistant's next message.
     *
     * @param request the persona, the conversation so far and what the answer may draw on
     * @return the answer, with where it came from and what it cost
     * @throws io.voicecore.sdk.PermissionDeniedException when the gateway is not allowed to reach the provider
     *         (e.g. {@code http:egress} not granted, or a host it may not call); this never falls back silently
     */
    Completion complete(CompletionRequest request);

    /**
     * Analyses one message of a caller: its language, sentiment, emotion and the details it gives. Deterministic and
     * local, also in online mode.
     *
     * @param text             what the caller said
     * @param languagesOffered ISO 639-1 codes the business offers; the language found is always one of them
     * @param currentLanguage  the conversation's language so far, kept when the text says too little to tell
     *                         (empty: the first offered language)
     * @return the analysis
     */
    Analysis analyse(String text, List<String> languagesOffered, Optional<String> currentLanguage);

    /**
     * Whether the business is open at a moment, by its opening hours in its time zone: what a caller's call is answered
     * with depends on it (a phone call out of hours goes to voicemail). Local and deterministic, in every mode.
     *
     * @param persona the business, with its {@link Persona#businessHours()} and {@link Persona#timeZone()}
     * @param at      the moment asked about
     * @return whether it is open then; empty when it has no opening hours or they are not written as days and times
     *         (e.g. {@code Mon-Fri 09:00-13:00, 15:00-19:00; Sat 10:00-14:00; Sun closed}) and so are only told as written
     * @since ai-gateway 0.2.0
     */
    Optional<Boolean> openAt(Persona persona, Instant at);

    /** @return the gateway's mode, model, provider and circuit breaker for the calling tenant */
    GatewayStatus status();
}
