package io.voicecore.kernel.plugins.config;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal.FieldError;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.json.Json;

/**
 * Each tenant's configuration of each plugin, kept in {@code kernel.plugin_config} and validated against the
 * manifest's {@code config} schema. Only the keys a tenant set are stored; defaults are applied when read, so a
 * new plugin version's defaults take effect for keys the tenant never set.
 *
 * <p>Property types: {@code string} (optional {@code pattern}), {@code integer} ({@code minimum},
 * {@code maximum}), {@code boolean}, {@code url} (absolute {@code http}/{@code https} with a host, no user
 * info) and {@code enum} ({@code values}). Unknown keys are refused; every problem is reported at once.
 */
public final class PluginConfigs {
    /** The largest stored configuration, as compact JSON. */
    public static final int MAX_CONFIG_BYTES = 64 * 1024;
    /** The longest string (or URL) value; also bounds the work of a manifest's {@code pattern}. */
    public static final int MAX_STRING_LENGTH = 2000;

    private final Database database;
    private final AuditLog audit;
    private final NearCache stored;
    private final Clock clock;

    /**
     * @param stored caches each tenant's stored values of each plugin on this node, the absence of any included;
     *               {@link #put} invalidates it on every node
     */
    public PluginConfigs(Database database, AuditLog audit, NearCache stored, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.stored = stored;
        this.clock = clock;
    }

    /**
     * Checks a configuration object against the schema.
     *
     * @return the object with {@code null} members removed and integers in canonical form, as it is stored
     * @throws PluginRefusal {@code INVALID_INPUT} listing every problem, one field error per key
     */
    public Json validate(ConfigSchema schema, Json values) {
        if (!(values instanceof Json.Obj object)) {
            throw PluginRefusal.invalid(List.of(new FieldError("config", "must be a JSON object of configuration keys, not " + values.kind())));
        }
        Map<String, ConfigProperty> properties = schema.properties();
        List<FieldError> errors = new ArrayList<>();
        Map<String, Json> accepted = new LinkedHashMap<>();
        for (Map.Entry<String, Json> member : object.members().entrySet()) {
            if (!properties.containsKey(member.getKey())) {
                errors.add(new FieldError(member.getKey(), "unknown configuration key; expected one of "
                                                           + new TreeSet<>(properties.keySet())));
            }
        }
        properties.forEach((key, property) -> {
            Json value = object.get(key);
            if (value.isNull()) {
                if (property.required() && property.defaultValue().isEmpty()) {
                    errors.add(new FieldError(key, "is required" + describe(property)));
                }
                return;
            }
            checkValue(key, property, value).ifPresentOrElse(problem -> errors.add(new FieldError(key, problem)),
                                                             () -> accepted.put(key, canonical(property, value)));
        });
        Json result = new Json.Obj(accepted);
        if (errors.isEmpty() && result.toString().getBytes(StandardCharsets.UTF_8).length > MAX_CONFIG_BYTES) {
            errors.add(new FieldError("config", "is larger than " + MAX_CONFIG_BYTES + " bytes as JSON"));
        }
        if (!errors.isEmpty()) {
            throw PluginRefusal.invalid(errors);
        }
        return result;
    }

    /**
     * Validates and stores a tenant's configuration of a plugin, replacing the previous one, and audits the
     * change (the names of the keys set, never their values).
     *
     * @return the configuration as the plugin will read it, defaults applied
     * @throws PluginRefusal {@code INVALID_INPUT} listing every problem
     */
    public Json put(UUID tenantId, PluginManifest manifest, Json values, Principal actor) {
        return put(tenantId, manifest, values, actor, proposed -> { });
    }

    /**
     * As {@link #put(UUID, PluginManifest, Json, Principal)}, with {@code check} given the configuration as the plugin
     * would read it, once it passed the schema and before it is stored: it refuses by throwing.
     */
    public Json put(UUID tenantId, PluginManifest manifest, Json values, Principal actor,
                    java.util.function.Consumer<PluginConfig> check) {
        Json stored = validate(manifest.config(), values);
        Json proposed = withDefaults(manifest.config(), stored);
        check.accept(new CallConfig(() -> proposed));
        database.inTenant(tenantId, tx -> {
            tx.dml("INSERT INTO kernel.plugin_config (tenant_id, plugin_id, config_values, updated_at) VALUES (?, ?, ?, ?) "
                   + "ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET config_values = excluded.config_values, "
                   + "updated_at = excluded.updated_at",
                   tenantId, manifest.id(), stored.toString(), Database.timestamp(clock.instant()));
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "plugin.config.update", "plugin:" + manifest.id(),
                                                Map.of("keys", List.copyOf(new TreeSet<>(stored.asMap().keySet())),
                                                       "version", manifest.version())));
            return null;
        });
        this.stored.invalidate(key(tenantId, manifest.id()));
        return withDefaults(manifest.config(), stored);
    }

    /** The tenant's configuration of the plugin as the plugin reads it: what the tenant set, defaults for the rest. */
    public Json effective(UUID tenantId, PluginManifest manifest) {
        Json values = this.stored.<Json>get(key(tenantId, manifest.id()), () -> Optional.of(
                database.inTenant(tenantId, tx -> Database.first(tx, row -> Database.text(row, "config_values"),
                                "SELECT config_values FROM kernel.plugin_config WHERE tenant_id = ? AND plugin_id = ?",
                                tenantId, manifest.id()))
                        .map(Json::parse)
                        .orElseGet(() -> Json.object().build()))).orElseThrow();
        return withDefaults(manifest.config(), values);
    }

    private static String key(UUID tenantId, String pluginId) {
        return tenantId + "/" + pluginId;
    }

    /**
     * The plugin-facing view for one call (no permission needed). It is read once, on first use, and then
     * stays the same for the rest of the call.
     */
    public PluginConfig forCall(PluginCall call) {
        return new CallConfig(() -> effective(call.tenantId(), call.manifest()));
    }

    /**
     * The plugin-facing view of a configuration no tenant set: the manifest's defaults, read from no store (a trial run
     * of a plugin that is not installed).
     */
    public static PluginConfig defaults(PluginManifest manifest) {
        Json values = withDefaults(manifest.config(), Json.object().build());
        return new CallConfig(() -> values);
    }

    /**
     * Applies the schema to stored values: keys the schema no longer has are dropped, missing keys with a
     * default get it (parsed by type).
     */
    public static Json withDefaults(ConfigSchema schema, Json stored) {
        Map<String, Json> values = new LinkedHashMap<>();
        schema.properties().forEach((key, property) -> {
            Json value = stored.get(key);
            if (!value.isNull()) {
                values.put(key, value);
            } else {
                property.defaultValue().flatMap(text -> parseDefault(property, text)).ifPresent(d -> values.put(key, d));
            }
        });
        return new Json.Obj(values);
    }

    /** A problem with one value, in words for a tenant admin, or empty when it is acceptable. */
    private static Optional<String> checkValue(String key, ConfigProperty property, Json value) {
        String type = property.type();
        switch (type) {
            case "string" -> {
                if (!(value instanceof Json.Str s)) {
                    return Optional.of("must be a string, not " + value.kind());
                }
                if (s.value().length() > MAX_STRING_LENGTH) {
                    return Optional.of("must be at most " + MAX_STRING_LENGTH + " characters");
                }
                if (property.pattern().isPresent()) {
                    Pattern pattern;
                    try {
                        pattern = Pattern.compile(property.pattern().get());
                    } catch (PatternSyntaxException e) {
                        return Optional.of("cannot be checked: the plugin's manifest gives an invalid pattern for it");
                    }
                    if (!pattern.matcher(s.value()).matches()) {
                        return Optional.of("must match the pattern " + property.pattern().get());
                    }
                }
                return Optional.empty();
            }
            case "integer" -> {
                if (!(value instanceof Json.Num n)) {
                    return Optional.of("must be a whole number, not " + value.kind());
                }
                long number;
                try {
                    number = n.value().longValueExact();
                } catch (ArithmeticException e) {
                    return Optional.of("must be a whole number within the 64-bit range, not " + n.value().toPlainString());
                }
                if (property.minimum().isPresent() && number < property.minimum().get()) {
                    return Optional.of("must be at least " + property.minimum().get() + ", not " + number);
                }
                if (property.maximum().isPresent() && number > property.maximum().get()) {
                    return Optional.of("must be at most " + property.maximum().get() + ", not " + number);
                }
                return Optional.empty();
            }
            case "boolean" -> {
                return value instanceof Json.Bool ? Optional.empty() : Optional.of("must be true or false, not " + value.kind());
            }
            case "url" -> {
                if (!(value instanceof Json.Str s)) {
                    return Optional.of("must be a URL string, not " + value.kind());
                }
                return urlProblem(s.value());
            }
            case "enum" -> {
                if (!(value instanceof Json.Str s) || !property.values().contains(s.value())) {
                    return Optional.of("must be one of " + property.values()
                                       + (value instanceof Json.Str text ? ", not \"" + text.value() + "\"" : ", not " + value.kind()));
                }
                return Optional.empty();
            }
            default -> {
                return Optional.of("cannot be checked: the plugin's manifest declares the unknown type '" + type + "' for " + key);
            }
        }
    }

    private static Optional<String> urlProblem(String text) {
        if (text.length() > MAX_STRING_LENGTH) {
            return Optional.of("must be at most " + MAX_STRING_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http or https URL such as 'https://crm.example.com', not a malformed one ("
                               + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            return Optional.of("must be an absolute http or https URL with a host, such as 'https://crm.example.com'");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain a user name or password; store credentials as a plugin secret");
        }
        return Optional.empty();
    }

    private static Json canonical(ConfigProperty property, Json value) {
        // 1.0 and 1e0 are the integer 1; stored and read back as 1.
        return property.type().equals("integer") ? new Json.Num(BigDecimal.valueOf(value.asLong())) : value;
    }

    private static Optional<Json> parseDefault(ConfigProperty property, String text) {
        return switch (property.type()) {
            case "integer" -> {
                try {
                    yield Optional.of(new Json.Num(BigDecimal.valueOf(Long.parseLong(text.strip()))));
                } catch (NumberFormatException e) {
                    yield Optional.empty();
                }
            }
            case "boolean" -> text.strip().equalsIgnoreCase("true") ? Optional.of(new Json.Bool(true))
                    : text.strip().equalsIgnoreCase("false") ? Optional.of(new Json.Bool(false)) : Optional.empty();
            default -> Optional.of(new Json.Str(text));
        };
    }

    private static String describe(ConfigProperty property) {
        return property.description() == null || property.description().isBlank() ? "" : " (" + property.description() + ")";
    }

    /** Reads the configuration once, on first use. */
    private static final class CallConfig implements PluginConfig {
        private final java.util.function.Supplier<Json> loader;
        private volatile Json values;

        CallConfig(java.util.function.Supplier<Json> loader) {
            this.loader = loader;
        }

        @Override
        public Json values() {
            Json loaded = values;
            if (loaded == null) {
                loaded = loader.get();
                values = loaded;
            }
            return loaded;
        }

        @Override
        public Optional<String> string(String key) {
            return values().get(key).asOptionalString();
        }

        @Override
        public Optional<Long> number(String key) {
            Json value = values().get(key);
            return value.isNull() ? Optional.empty() : Optional.of(value.asLong());
        }

        @Override
        public Optional<Boolean> bool(String key) {
            Json value = values().get(key);
            return value.isNull() ? Optional.empty() : Optional.of(value.asBoolean());
        }
    }
}
