package io.voicecore.kernel.plugins.install;

import java.util.List;
import java.util.Map;

/**
 * A plugin jar was refused at installation: its manifest is invalid, the verifier found forbidden API
 * uses, or it does not fit this kernel. {@code findings} lists each problem (for the verifier: class,
 * method, API and reason) so the HTTP answer can show them all.
 */
public final class PluginRejectedException extends RuntimeException {
    private final String kind;
    private final List<Map<String, Object>> findings;

    /**
     * @param kind     {@code manifest}, {@code openapi}, {@code verification}, {@code compatibility} or {@code startup}
     * @param detail   summary for a person
     * @param findings one entry per problem
     */
    public PluginRejectedException(String kind, String detail, List<Map<String, Object>> findings) {
        super(detail);
        this.kind = kind;
        this.findings = List.copyOf(findings);
    }

    public String kind() {
        return kind;
    }

    public List<Map<String, Object>> findings() {
        return findings;
    }
}
