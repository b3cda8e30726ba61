package io.voicecore.sdk;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.voicecore.sdk.json.Json;

/**
 * A failure the caller should see: the kernel answers it as an RFC 9457 problem with the given status,
 * the type {@code urn:voicecore:plugin:<pluginId>:<type>} and this message as the detail. Throw it from
 * a route for 4xx answers; the message must say what to change and must not contain a secret.
 *
 * <p>A problem may carry further members for a program to read, e.g. the list of invalid rows of an upload
 * ({@link #PluginProblem(int, String, String, Map)}); they appear next to {@code type}, {@code status} and
 * {@code detail} in the problem body.
 */
public class PluginProblem extends RuntimeException {
    /** Member names the kernel writes itself; a problem's own members may not use them. */
    public static final Set<String> RESERVED_MEMBERS = Set.of("type", "title", "status", "detail", "instance", "requestId", "plugin");

    private final int status;
    private final String type;
    private final Map<String, Json> members;

    /**
     * @param status HTTP status, 400-599
     * @param type   short stable slug, e.g. {@code contact-not-found}
     * @param detail what was wrong, for a person
     */
    public PluginProblem(int status, String type, String detail) {
        this(status, type, detail, Map.of());
    }

    /**
     * @param status  HTTP status, 400-599
     * @param type    short stable slug, e.g. {@code invalid-rows}
     * @param detail  what was wrong, for a person
     * @param members further members of the problem body, e.g. {@code errors}: a list of what is wrong where;
     *                not one of {@link #RESERVED_MEMBERS}
     * @throws IllegalArgumentException when a member name is reserved
     */
    public PluginProblem(int status, String type, String detail, Map<String, Json> members) {
        super(detail);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status must be 400-599, not " + status);
        }
        for (String name : members.keySet()) {
            if (RESERVED_MEMBERS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is written by the kernel; choose another member name");
            }
        }
        this.status = status;
        this.type = type;
        this.members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the problem type slug */
    public String type() {
        return type;
    }

    /** @return the further members of the problem body, in order (empty for most problems) */
    public Map<String, Json> members() {
        return members;
    }
}
