package io.voicecore.receptionist.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The receptionist's answer to one thing a caller said.
 *
 * @param reply          what to say
 * @param language       the ISO 639-1 language of the reply (the caller's, once known)
 * @param escalate       whether a person should take the call over: the caller asked for one, said an escalation
 *                       keyword or is frustrated (the receptionist's rules); the reply then announces the transfer
 * @param escalation     why, when {@code escalate}
 * @param briefing       what the team knows so far (English), for the person the call is handed to; empty unless
 *                       {@code escalate}
 * @param stage          {@code collecting}, {@code confirming}, {@code confirmed} (the caller confirmed the details:
 *                       nothing more is needed) or {@code escalated}
 * @param collected      the caller's details so far
 * @param sentiment      the sentiment of what the caller said, -1 to 1
 * @param mode           who answered: {@code offline} or {@code openai}
 * @param fallbackReason when the online model should have answered but the offline engine did: why
 * @param transferTo     where to put the caller through when {@code escalate}, if not to the telephony plugin's own
 *                       number: the number (E.164) or SIP address of the department the tenant's call flow routed the
 *                       caller to (since receptionist 0.4.0)
 */
public record CallTurn(String reply, String language, boolean escalate, Optional<String> escalation, Optional<String> briefing,
                       String stage, Collected collected, double sentiment, String mode, Optional<String> fallbackReason,
                       Optional<String> transferTo) {

    /** Checks the values. */
    public CallTurn {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(escalation, "escalation");
        Objects.requireNonNull(briefing, "briefing");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(collected, "collected");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(fallbackReason, "fallbackReason");
        Objects.requireNonNull(transferTo, "transferTo");
    }

    /** A turn that puts a caller through, if at all, to the telephony plugin's own number (as before receptionist 0.4.0). */
    public CallTurn(String reply, String language, boolean escalate, Optional<String> escalation, Optional<String> briefing,
                    String stage, Collected collected, double sentiment, String mode, Optional<String> fallbackReason) {
        this(reply, language, escalate, escalation, briefing, stage, collected, sentiment, mode, fallbackReason, Optional.empty());
    }

    /**
     * What the receptionist has collected from the caller.
     *
     * @param name   the caller's name
     * @param phone  a number the caller said (their number on the line is the call's)
     * @param email  their e-mail address; optional on a call, where it is offered once
     * @param reason why they called, e.g. {@code book}
     * @param date   the day they asked for, e.g. {@code tomorrow}
     */
    public record Collected(Optional<String> name, Optional<String> phone, Optional<String> email, Optional<String> reason,
                            Optional<String> date) {

        /** Checks the values. */
        public Collected {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(phone, "phone");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(date, "date");
        }
    }
}
