package io.voicecore.kernel.plugins.egress;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The host rules of a manifest's {@code egress.hosts}: an exact host (any case), {@code *.domain} (any
 * sub-domain at any depth, never the bare domain, never an IP address), or {@code ${config.key}} (the host of
 * the tenant's URL-typed configuration value, resolved per call by the gateway).
 */
public final class EgressHosts {
    /** Hosts for which plain {@code http} is allowed, and only when listed exactly (local stand-ins, the sandbox). */
    public static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    private EgressHosts() {
    }

    /** The configuration key a {@code ${config.key}} entry names. */
    public static Optional<String> configKey(String entry) {
        String text = entry.strip();
        if (text.startsWith("${config.") && text.endsWith("}") && text.length() > "${config.}".length()) {
            return Optional.of(text.substring("${config.".length(), text.length() - 1));
        }
        return Optional.empty();
    }

    /**
     * Whether an exact or wildcard entry allows the host ({@code ${config.*}} entries allow nothing here).
     *
     * @param entry a manifest entry, e.g. {@code api.example.com} or {@code *.example.com}
     * @param host  the request's host as {@link java.net.URI#getHost()} gives it
     */
    public static boolean matches(String entry, String host) {
        String pattern = normalize(entry);
        String candidate = normalize(host);
        if (pattern.isEmpty() || candidate.isEmpty() || configKey(entry).isPresent()) {
            return false;
        }
        if (pattern.startsWith("*.")) {
            String domain = pattern.substring(1);
            if (domain.length() < 2 || domain.substring(1).contains("*") || isIpLiteral(candidate) || !candidate.endsWith(domain)) {
                return false;
            }
            // At least one non-empty label before ".example.com", so the bare domain never matches.
            String labels = candidate.substring(0, candidate.length() - domain.length());
            return !labels.isEmpty() && !labels.startsWith(".") && !labels.endsWith(".") && !labels.contains("..");
        }
        return !pattern.contains("*") && pattern.equals(candidate);
    }

    /** Whether an entry names the host exactly (not through a wildcard); loopback {@code http} needs this. */
    public static boolean matchesExactly(String entry, String host) {
        return !normalize(entry).startsWith("*.") && matches(entry, host);
    }

    /** Lower case, without IPv6 brackets. */
    public static String normalize(String host) {
        String text = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        return text;
    }

    static boolean isLoopback(String host) {
        return LOOPBACK.contains(normalize(host));
    }

    /** IPv6 literals contain ':'; IPv4 literals are digits and dots only. */
    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}
