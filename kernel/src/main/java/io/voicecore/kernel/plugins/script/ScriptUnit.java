package io.voicecore.kernel.plugins.script;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One script as the sandbox pools it: whose it is, and its text. Contexts are pooled per unit, so a context only ever
 * holds one tenant's copy of one script of one plugin version.
 *
 * @param tenantId the tenant the script runs for
 * @param owner    the plugin version that runs it, e.g. {@code crm@1.2.0}
 * @param name     the script's name in error messages and stack traces, e.g. {@code plugin.js}
 * @param source   the script's text
 */
public record ScriptUnit(UUID tenantId, String owner, String name, String source) {

    /** What a pooled context is kept under: never shared across tenants, owners or script texts. */
    String poolKey() {
        return tenantId + "/" + owner + "/" + name + "/" + sha256(source);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
