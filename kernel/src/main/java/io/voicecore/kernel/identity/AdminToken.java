package io.voicecore.kernel.identity;

import java.util.HexFormat;
import java.util.Optional;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.storage.Database;

/**
 * The first platform administrator's credential. Taken from configuration ({@code VOICECORE_ADMIN_TOKEN});
 * when none is configured on the first start, one is generated and shown once on the console. Only its
 * SHA-256 hash is stored.
 */
public final class AdminToken {
    static final String SETTING = "admin-token-sha256";

    private final byte[] hash;

    private AdminToken(byte[] hash) {
        this.hash = hash;
    }

    /**
     * Loads or establishes the admin token.
     *
     * @param configured the configured token, if any; it replaces a stored one
     * @param announce   receives a newly generated token, to be shown to the operator exactly once
     */
    public static AdminToken establish(Database database, Optional<String> configured, java.util.function.Consumer<String> announce) {
        return database.inPlatform(tx -> {
            Optional<String> stored = tx.get("SELECT value FROM kernel.platform_settings WHERE key = ?", SETTING)
                    .map(row -> row.column("value").get(String.class));
            if (configured.isPresent()) {
                String hex = HexFormat.of().formatHex(Secrets.sha256(configured.get()));
                if (!stored.map(hex::equals).orElse(false)) {
                    upsert(tx, hex);
                }
                return new AdminToken(HexFormat.of().parseHex(hex));
            }
            if (stored.isPresent()) {
                return new AdminToken(HexFormat.of().parseHex(stored.get()));
            }
            String token = "vca_" + Secrets.random(40);
            String hex = HexFormat.of().formatHex(Secrets.sha256(token));
            upsert(tx, hex);
            announce.accept(token);
            return new AdminToken(HexFormat.of().parseHex(hex));
        });
    }

    private static void upsert(io.helidon.dbclient.DbExecute tx, String hex) {
        tx.dml("INSERT INTO kernel.platform_settings (key, value) VALUES (?, ?) "
               + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()", SETTING, hex);
    }

    public boolean matches(String candidate) {
        return Secrets.constantTimeEquals(hash, Secrets.sha256(candidate));
    }

    public static Principal principal() {
        return new Principal("platform-admin", Role.PLATFORM_ADMIN, Optional.empty(), "admin-token", false);
    }
}
