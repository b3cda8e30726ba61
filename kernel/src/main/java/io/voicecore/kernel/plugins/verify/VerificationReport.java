package io.voicecore.kernel.plugins.verify;

import java.util.List;
import java.util.TreeSet;

/**
 * What the verifier found in a plugin jar.
 *
 * @param violations every violation, sorted (class, method, API) and without duplicates
 */
public record VerificationReport(List<Violation> violations) {

    /** Sorts and de-duplicates. */
    public VerificationReport {
        violations = List.copyOf(new TreeSet<>(violations));
    }

    /** @return whether the jar may be installed */
    public boolean passed() {
        return violations.isEmpty();
    }

    /** @return the violations, one per line, for a problem detail or a log */
    public String summary() {
        if (passed()) {
            return "no violations";
        }
        StringBuilder text = new StringBuilder(violations.size() + " violation(s):");
        violations.forEach(v -> text.append('\n').append(v));
        return text.toString();
    }
}
