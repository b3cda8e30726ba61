package io.voicecore.sdk;

/**
 * A failure the caller should see: the kernel answers it as an RFC 9457 problem with the given status,
 * the type {@code urn:voicecore:plugin:<pluginId>:<type>} and this message as the detail. Throw it from
 * a route for 4xx answers; the message must say what to change and must not contain a secret.
 */
public class PluginProblem extends RuntimeException {
    private final int status;
    private final String type;

    /**
     * @param status HTTP status, 400-599
     * @param type   short stable slug, e.g. {@code contact-not-found}
     * @param detail what was wrong, for a person
     */
    public PluginProblem(int status, String type, String detail) {
        super(detail);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status must be 400-599, not " + status);
        }
        this.status = status;
        this.type = type;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the problem type slug */
    public String type() {
        return type;
    }
}
