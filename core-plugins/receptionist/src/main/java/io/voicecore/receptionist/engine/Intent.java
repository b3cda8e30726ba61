package io.voicecore.receptionist.engine;

/** Why the caller is in touch, as understood from their words. */
public enum Intent {
    BOOK("Book an appointment"),
    RESCHEDULE("Reschedule an appointment"),
    CANCEL("Cancel an appointment"),
    QUESTION("Answer a question"),
    COMPLAINT("Follow up on a complaint"),
    HUMAN("Speak to a person");

    private final String action;

    Intent(String action) {
        this.action = action;
    }

    /** @return the action item for the team, in English */
    public String action() {
        return action;
    }

    /** @return the lower-case wire name, e.g. {@code book} */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
