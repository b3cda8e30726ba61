package io.voicecore.testkit;

import java.util.List;
import java.util.Map;

/**
 * The kernel refused to install the plugin, as {@code POST /api/v1/plugins} would answer 422: the manifest is
 * invalid, the verifier found forbidden API uses, the plugin does not fit this kernel, or its {@code setup}
 * failed. The message lists every finding, one per line.
 */
public final class PluginRefusedException extends RuntimeException {
    private final String reason;
    private final List<Map<String, Object>> findings;

    PluginRefusedException(String reason, String detail, List<Map<String, Object>> findings) {
        super(message(reason, detail, findings));
        this.reason = reason;
        this.findings = List.copyOf(findings);
    }

    /** @return {@code manifest}, {@code verification}, {@code compatibility} or {@code startup} */
    public String reason() {
        return reason;
    }

    /**
     * @return one entry per problem: for {@code verification} the members {@code class}, {@code method},
     *         {@code api} and {@code reason}; otherwise {@code field} and {@code reason}
     */
    public List<Map<String, Object>> findings() {
        return findings;
    }

    private static String message(String reason, String detail, List<Map<String, Object>> findings) {
        StringBuilder text = new StringBuilder("The plugin was refused (").append(reason).append("): ").append(detail);
        for (Map<String, Object> finding : findings) {
            text.append("\n  ").append(finding);
        }
        return text.toString();
    }
}
