package io.voicecore.kernel.plugins.secrets;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.capability.Secrets;

/**
 * Secrets of one tenant for one plugin (API keys of external services, tokens), sealed with AES-256-GCM under
 * the master key. Each value is bound to its tenant, plugin and name, so a sealed value copied into another
 * row does not open. Values are never logged, never audited and never returned by any HTTP API: the only
 * reader is the plugin itself, through {@link #forCall}.
 *
 * <p>A plugin may read a secret on every request (a webhook's signing key), so each node caches the values sealed, as
 * stored, the absence of one included: the plaintext exists only while a call uses it, and every change invalidates
 * the entry on every node.
 */
public final class PluginSecrets {
    /** Secret names, e.g. {@code openai.api-key}. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    /** The largest value, in UTF-8 bytes. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final int RESEAL_BATCH = 200;
    private static final Logger LOG = Logger.getLogger(PluginSecrets.class.getName());

    /**
     * The outcome of {@link #reencryptAll()}.
     *
     * @param keyId      the key id every readable secret is now sealed under
     * @param resealed   how many secrets were sealed again
     * @param unreadable secrets that did not open (tenant/plugin/name), left as they were
     */
    public record Reencryption(int keyId, int resealed, List<String> unreadable) {
        public Reencryption {
            unreadable = List.copyOf(unreadable);
        }
    }

    private final Database database;
    private final SecretBox box;
    private final AuditLog audit;
    private final NearCache sealed;
    private final Clock clock;

    /**
     * @param sealed caches each secret's sealed value on this node, keyed by tenant, plugin and name; {@link #put},
     *               {@link #delete} and {@link #reencryptAll} invalidate it on every node
     */
    public PluginSecrets(Database database, SecretBox box, AuditLog audit, NearCache sealed, Clock clock) {
        this.database = database;
        this.box = box;
        this.audit = audit;
        this.sealed = sealed;
        this.clock = clock;
    }

    /** The plugin-facing capability for one call; every use checks the {@code secrets} permission. */
    public Secrets forCall(PluginCall call) {
        String actor = "plugin:" + call.pluginId();
        return new Secrets() {
            @Override
            public void put(String name, String value) {
                call.require(Permission.SECRETS);
                PluginSecrets.this.put(call.tenantId(), call.pluginId(), name, value, actor);
            }

            @Override
            public Optional<String> get(String name) {
                call.require(Permission.SECRETS);
                return PluginSecrets.this.get(call.tenantId(), call.pluginId(), name);
            }

            @Override
            public boolean delete(String name) {
                call.require(Permission.SECRETS);
                return PluginSecrets.this.delete(call.tenantId(), call.pluginId(), name, actor);
            }
        };
    }

    /**
     * Sets a secret, replacing any previous value, and audits it (name only).
     *
     * @param actor who set it, for the audit record, e.g. {@code plugin:crm} or a user id
     * @throws IllegalArgumentException when the name or value is not acceptable (the message never contains the value)
     */
    public void put(UUID tenantId, String pluginId, String name, String value, String actor) {
        requireName(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Secret '" + name + "' needs a non-empty value; delete the secret to remove it.");
        }
        byte[] plaintext = value.getBytes(StandardCharsets.UTF_8);
        if (plaintext.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("Secret '" + name + "' has " + plaintext.length + " bytes; a secret may have at most "
                                               + MAX_VALUE_BYTES + " bytes (UTF-8).");
        }
        byte[] sealed = box.seal(plaintext, context(tenantId, pluginId, name));
        Arrays.fill(plaintext, (byte) 0);
        database.inTenant(tenantId, tx -> {
            tx.dml("INSERT INTO kernel.plugin_secrets (tenant_id, plugin_id, name, sealed, key_id, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                   + "ON CONFLICT (tenant_id, plugin_id, name) DO UPDATE SET sealed = excluded.sealed, key_id = excluded.key_id, "
                   + "updated_at = excluded.updated_at",
                   tenantId, pluginId, name, sealed, SecretBox.keyIdOf(sealed), Database.timestamp(clock.instant()));
            audit.append(tx, AuditEvent.success(tenantId, actor, "plugin.secret.put", target(pluginId, name),
                                                Map.of("plugin", pluginId, "name", name)));
            return null;
        });
        this.sealed.invalidate(context(tenantId, pluginId, name));
    }

    /**
     * Deletes a secret and audits it when there was one.
     *
     * @return whether a secret was deleted
     */
    public boolean delete(UUID tenantId, String pluginId, String name, String actor) {
        requireName(name);
        boolean deleted = database.inTenant(tenantId, tx -> {
            long rows = tx.dml("DELETE FROM kernel.plugin_secrets WHERE tenant_id = ? AND plugin_id = ? AND name = ?",
                               tenantId, pluginId, name);
            if (rows > 0) {
                audit.append(tx, AuditEvent.success(tenantId, actor, "plugin.secret.delete", target(pluginId, name),
                                                    Map.of("plugin", pluginId, "name", name)));
            }
            return rows > 0;
        });
        this.sealed.invalidate(context(tenantId, pluginId, name));
        return deleted;
    }

    /** Only the plugin reads a value back, through {@link #forCall}. */
    private Optional<String> get(UUID tenantId, String pluginId, String name) {
        requireName(name);
        // The absence of a secret is cached too (the inner Optional), as a plugin may ask for an optional one on every call.
        Optional<byte[]> stored = this.sealed.<Optional<byte[]>>get(context(tenantId, pluginId, name), () -> Optional.of(
                database.inTenant(tenantId, tx -> Database.first(tx, row -> row.column("sealed").get(byte[].class),
                        "SELECT sealed FROM kernel.plugin_secrets WHERE tenant_id = ? AND plugin_id = ? AND name = ?",
                        tenantId, pluginId, name)))).orElseThrow();
        return stored.map(value -> {
            try {
                return new String(box.open(value, context(tenantId, pluginId, name)), StandardCharsets.UTF_8);
            } catch (SecretBox.OpenFailed e) {
                throw new IllegalStateException("The secret '" + name + "' of plugin '" + pluginId + "' cannot be opened: "
                                                + e.getMessage() + ". Set it again.", e);
            }
        });
    }

    /**
     * Seals every stored secret that is not under the current master key again under it, in batches of their
     * own transactions, and records one platform audit record with the counts. Run it after rotating the
     * master key, before dropping the previous key from {@code master-key.previous}. A secret that does not open
     * is left unchanged and reported.
     */
    public Reencryption reencryptAll() {
        int currentKeyId = box.currentKeyId();
        List<String> unreadable = new ArrayList<>();
        int resealed = 0;
        Optional<Row> after = Optional.empty();
        while (true) {
            Optional<Row> from = after;
            Batch batch = database.inPlatform(tx -> resealBatch(tx, currentKeyId, from));
            resealed += batch.resealed();
            unreadable.addAll(batch.unreadable());
            if (batch.last().isEmpty()) {
                break;
            }
            after = batch.last();
        }
        int total = resealed;
        sealed.invalidateAll();
        database.inPlatform(tx -> audit.append(tx, AuditEvent.success(null, "kernel", "plugin.secret.reencrypt", "plugin-secrets",
                Map.of("keyId", currentKeyId, "resealed", total, "unreadable", unreadable.size()))));
        LOG.info("Re-sealed " + resealed + " plugin secrets under master key id " + currentKeyId
                 + (unreadable.isEmpty() ? "" : "; " + unreadable.size() + " did not open and were left unchanged: " + unreadable));
        return new Reencryption(currentKeyId, resealed, unreadable);
    }

    private record Row(UUID tenantId, String pluginId, String name, byte[] sealed) {
    }

    private record Batch(int resealed, List<String> unreadable, Optional<Row> last) {
    }

    /** One batch in key order after {@code after}, locked while it is re-sealed. */
    private Batch resealBatch(DbExecute tx, int currentKeyId, Optional<Row> after) {
        String select = "SELECT tenant_id, plugin_id, name, sealed FROM kernel.plugin_secrets WHERE key_id <> ? "
                        + (after.isPresent() ? "AND (tenant_id, plugin_id, name) > (?, ?, ?) " : "")
                        + "ORDER BY tenant_id, plugin_id, name LIMIT " + RESEAL_BATCH + " FOR UPDATE";
        Object[] params = after.map(a -> new Object[] {currentKeyId, a.tenantId(), a.pluginId(), a.name()})
                .orElse(new Object[] {currentKeyId});
        List<Row> rows = Database.list(tx, row -> new Row(Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"),
                                                          Database.text(row, "name"), row.column("sealed").get(byte[].class)),
                                       select, params);
        int resealed = 0;
        List<String> unreadable = new ArrayList<>();
        for (Row row : rows) {
            byte[] again;
            try {
                again = box.reseal(row.sealed(), context(row.tenantId(), row.pluginId(), row.name()));
            } catch (SecretBox.OpenFailed e) {
                unreadable.add(row.tenantId() + "/" + row.pluginId() + "/" + row.name());
                continue;
            }
            tx.dml("UPDATE kernel.plugin_secrets SET sealed = ?, key_id = ? WHERE tenant_id = ? AND plugin_id = ? AND name = ?",
                   again, SecretBox.keyIdOf(again), row.tenantId(), row.pluginId(), row.name());
            resealed++;
        }
        return new Batch(resealed, unreadable, rows.isEmpty() ? Optional.empty() : Optional.of(rows.getLast()));
    }

    /** What the sealed value is bound to: a value sealed for one row does not open for another. */
    static String context(UUID tenantId, String pluginId, String name) {
        return "plugin-secret:" + tenantId + ":" + pluginId + ":" + name;
    }

    private static String target(String pluginId, String name) {
        return "plugin:" + pluginId + "/secret:" + name;
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Secret name '" + abbreviate(name) + "' is not valid: use 1 to 100 lower-case letters, "
                                               + "digits, '.', '_' and '-', starting with a letter or digit, e.g. 'openai.api-key'.");
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
