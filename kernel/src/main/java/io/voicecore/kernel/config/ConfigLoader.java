package io.voicecore.kernel.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import io.voicecore.kernel.plugins.PluginManifest;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds a {@link KernelConfig} from, in increasing priority: built-in defaults, a YAML file,
 * environment variables, and command-line options.
 *
 * <p>Every key has one environment variable: {@code VOICECORE_} followed by the key in upper case
 * with dots and dashes turned into underscores ({@code db.pool-size} is {@code VOICECORE_DB_POOL_SIZE}).
 * Unknown keys in the file are refused, so a typo does not silently fall back to a default.
 *
 * <p>{@code VOICECORE_HOME}, set by an unpacked distribution's {@code bin/voicecore}, moves the defaults of {@code data}
 * and {@code plugins.dir} below that folder, so the platform finds its plugins and keeps its data there whatever the
 * working directory; a value from the file, the environment or the command line still wins.
 */
public final class ConfigLoader {
    /** Every key the kernel understands, with its default ({@code null}: unset). */
    static final Map<String, String> DEFAULTS = defaults();
    /** More connections than one PostgreSQL server usually accepts in all ({@code max_connections} defaults to 100). */
    private static final int MAX_PLUGIN_POOL_SIZE = 100;

    private ConfigLoader() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("host", "0.0.0.0");
        d.put("port", "8080");
        d.put("data", "./data");
        d.put("db.url", null);
        d.put("db.user", null);
        d.put("db.password", null);
        d.put("db.pool-size", "10");
        d.put("redis.url", null);
        d.put("redis.key-prefix", "voicecore:");
        d.put("admin-token", null);
        d.put("master-key", null);
        d.put("master-key.previous", null);
        d.put("session.ttl", "PT12H");
        d.put("rate-limit.per-minute", "600");
        d.put("http.max-body-bytes", "1048576");
        d.put("shutdown.grace", "PT10S");
        d.put("log.format", "json");
        d.put("plugins.egress.max-response-bytes", "10485760");
        d.put("plugins.egress.allow-private", null);
        d.put("plugins.max-jar-bytes", "67108864");
        d.put("plugins.max-stream-bytes", "268435456");
        d.put("plugins.max-stream-timeout", "10m");
        d.put("plugins.dir", "./plugins");
        d.put("plugins.events.max-attempts", "8");
        d.put("plugins.events.retry-backoff", "1s");
        d.put("plugins.events.licence-hold", "30s");
        d.put("plugins.events.claim-timeout", "5m");
        d.put("plugins.streams.max-frame-bytes", "65536");
        d.put("plugins.streams.max-per-tenant", "100");
        d.put("plugins.streams.max-messages-per-second", "200");
        d.put("plugins.streams.allowed-origins", null);
        d.put("plugins.storage.pool-size", "8");
        d.put("plugins.storage.pool-sizes", null);
        d.put("scripts.statement-limit", "1000000");
        d.put("scripts.timeout", "2s");
        d.put("scripts.max-allocated-bytes", "67108864");
        d.put("scripts.threads", "8");
        d.put("scripts.pooled-contexts", "4");
        d.put("retention.enabled", "true");
        d.put("retention.interval", "1h");
        d.put("retention.batch-size", "1000");
        d.put("retention.events", "30d");
        d.put("retention.job-runs", "90d");
        d.put("retention.sessions", "30d");
        d.put("retention.usage-records", "400d");
        return d;
    }

    /** Every key the kernel understands, in the order the operator guide lists them. */
    public static List<String> keys() {
        return List.copyOf(DEFAULTS.keySet());
    }

    /** The built-in default of a key; empty when the key is unset unless configured (such as {@code db.url}). */
    public static Optional<String> defaultValue(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown configuration key '" + key + "'");
        }
        return Optional.ofNullable(DEFAULTS.get(key));
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return "VOICECORE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Loads the configuration.
     *
     * @param file        optional YAML file
     * @param environment the process environment
     * @param overrides   command-line values by key (highest priority)
     */
    public static KernelConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Optional.ofNullable(environment.get("VOICECORE_HOME")).filter(v -> !v.isBlank()).map(Path::of).ifPresent(home -> {
            values.put("data", home.resolve("data").toString());
            values.put("plugins.dir", home.resolve("plugins").toString());
        });
        file.ifPresent(path -> values.putAll(readYaml(path)));
        for (String key : DEFAULTS.keySet()) {
            String env = environment.get(environmentName(key));
            if (env != null && !env.isBlank()) {
                values.put(key, env.strip());
            }
        }
        // The launcher's historical name for the data directory.
        Optional.ofNullable(environment.get("VOICECORE_DATA")).filter(v -> !v.isBlank()).ifPresent(v -> values.put("data", v));
        overrides.forEach((key, value) -> {
            requireKnown(key, "command line");
            values.put(key, value);
        });
        return build(values);
    }

    private static KernelConfig build(Map<String, String> v) {
        String logFormat = v.get("log.format");
        if (!List.of("json", "text").contains(logFormat)) {
            throw new ConfigException("log.format must be 'json' or 'text', not '" + logFormat + "'");
        }
        int port = integer(v, "port", 0, 65535);
        return new KernelConfig(
                v.get("host"),
                port,
                Path.of(v.get("data")).toAbsolutePath().normalize(),
                optional(v, "db.url"),
                optional(v, "db.user"),
                optional(v, "db.password"),
                integer(v, "db.pool-size", 1, 500),
                optional(v, "redis.url"),
                v.get("redis.key-prefix"),
                optional(v, "admin-token"),
                optional(v, "master-key"),
                list(v, "master-key.previous"),
                duration(v, "session.ttl"),
                integer(v, "rate-limit.per-minute", 1, 10_000_000),
                integer(v, "http.max-body-bytes", 1024, Integer.MAX_VALUE - 8),
                duration(v, "shutdown.grace"),
                logFormat,
                integer(v, "plugins.egress.max-response-bytes", 1024, Integer.MAX_VALUE - 8),
                integer(v, "plugins.max-jar-bytes", 1024, 1024 * 1024 * 1024),
                Path.of(v.get("plugins.dir")).toAbsolutePath().normalize(),
                integer(v, "plugins.events.max-attempts", 1, 100),
                duration(v, "plugins.events.retry-backoff"),
                duration(v, "plugins.events.licence-hold"),
                claimTimeout(v),
                integer(v, "plugins.streams.max-frame-bytes", 125, 16 * 1024 * 1024),
                integer(v, "plugins.streams.max-per-tenant", 1, 1_000_000),
                integer(v, "plugins.max-stream-bytes", 1024, Integer.MAX_VALUE - 8),
                streamTimeout(v),
                integer(v, "plugins.storage.pool-size", 1, MAX_PLUGIN_POOL_SIZE),
                poolSizes(v, "plugins.storage.pool-sizes"),
                list(v, "plugins.egress.allow-private"),
                integer(v, "plugins.streams.max-messages-per-second", 1, 1_000_000),
                list(v, "plugins.streams.allowed-origins"),
                new KernelConfig.Retention(bool(v, "retention.enabled"), duration(v, "retention.interval"),
                                           integer(v, "retention.batch-size", 1, 100_000), duration(v, "retention.events"),
                                           duration(v, "retention.job-runs"), duration(v, "retention.sessions"),
                                           duration(v, "retention.usage-records")),
                new KernelConfig.Scripts(integer(v, "scripts.statement-limit", 1000, Integer.MAX_VALUE),
                                         duration(v, "scripts.timeout"),
                                         integer(v, "scripts.max-allocated-bytes", 1024 * 1024, Integer.MAX_VALUE),
                                         integer(v, "scripts.threads", 1, 1000),
                                         integer(v, "scripts.pooled-contexts", 0, 100)));
    }

    private static boolean bool(Map<String, String> v, String key) {
        String text = v.get(key).strip().toLowerCase(Locale.ROOT);
        if (!List.of("true", "false").contains(text)) {
            throw new ConfigException(key + " must be 'true' or 'false', not '" + v.get(key) + "' (environment variable "
                                      + environmentName(key) + ")");
        }
        return Boolean.parseBoolean(text);
    }

    /**
     * At least twice the longest per-call deadline of a plugin (30 s): a delivery starts only while its claim has half
     * its time left, so a shorter claim could lapse while the handler still runs and another node start it again.
     */
    private static Duration claimTimeout(Map<String, String> v) {
        Duration timeout = duration(v, "plugins.events.claim-timeout");
        if (timeout.toSeconds() < 60) {
            throw new ConfigException("plugins.events.claim-timeout must be at least 1m (twice a plugin call's longest"
                                      + " deadline), not '" + v.get("plugins.events.claim-timeout") + "' (environment variable "
                                      + environmentName("plugins.events.claim-timeout") + ")");
        }
        return timeout;
    }

    /** Per-plugin values such as {@code crm=16, notes=2}: a comma-separated list of {@code <plugin id>=<number>}. */
    private static Map<String, Integer> poolSizes(Map<String, String> v, String key) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String entry : list(v, key)) {
            int equals = entry.indexOf('=');
            String pluginId = equals < 0 ? "" : entry.substring(0, equals).strip();
            Integer size = null;
            try {
                size = equals < 0 ? null : Integer.valueOf(entry.substring(equals + 1).strip());
            } catch (NumberFormatException e) {
                // refused below
            }
            if (pluginId.isEmpty() || sizes.containsKey(pluginId) || size == null || size < 1 || size > MAX_PLUGIN_POOL_SIZE) {
                throw new ConfigException(key + " must name each plugin once as <plugin id>=<connections, 1 to " + MAX_PLUGIN_POOL_SIZE
                                          + ">, e.g. 'crm=16, notes=2'; '" + entry + "' is not such an entry (environment variable "
                                          + environmentName(key) + ")");
            }
            sizes.put(pluginId, size);
        }
        return Map.copyOf(sizes);
    }

    /** At most the longest deadline a manifest may ask for, so the key can only lower it. */
    private static Duration streamTimeout(Map<String, String> v) {
        Duration timeout = duration(v, "plugins.max-stream-timeout");
        if (timeout.toMillis() < 1000 || timeout.toMillis() > PluginManifest.Limits.MAX_STREAM_TIMEOUT_MILLIS) {
            throw new ConfigException("plugins.max-stream-timeout must be between 1s and "
                                      + PluginManifest.Limits.MAX_STREAM_TIMEOUT_MILLIS / 60_000 + "m, not '"
                                      + v.get("plugins.max-stream-timeout") + "' (environment variable "
                                      + environmentName("plugins.max-stream-timeout") + ")");
        }
        return timeout;
    }

    private static Optional<String> optional(Map<String, String> v, String key) {
        return Optional.ofNullable(v.get(key)).filter(s -> !s.isBlank());
    }

    /** A comma-separated list; blank entries are dropped. */
    private static List<String> list(Map<String, String> v, String key) {
        return optional(v, key).map(text -> java.util.Arrays.stream(text.split(",")).map(String::strip)
                .filter(entry -> !entry.isEmpty()).toList()).orElse(List.of());
    }

    private static int integer(Map<String, String> v, String key, int min, int max) {
        String text = v.get(key);
        try {
            int value = Integer.parseInt(text.strip());
            if (value < min || value > max) {
                throw new ConfigException(key + " must be between " + min + " and " + max + ", not " + value
                                          + " (environment variable " + environmentName(key) + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, not '" + text + "' (environment variable "
                                      + environmentName(key) + ")");
        }
    }

    private static Duration duration(Map<String, String> v, String key) {
        String text = v.get(key).strip();
        try {
            Duration value = parseDuration(text);
            if (value.isNegative() || value.isZero()) {
                throw new ConfigException(key + " must be positive, not '" + text + "'");
            }
            return value;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigException(key + " must be a duration such as '30s', '15m', '12h' or 'PT12H', not '" + text + "'");
        }
    }

    /** Accepts ISO-8601 ({@code PT12H}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}. */
    static Duration parseDuration(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("p")) {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        Map<String, Function<Long, Duration>> units = Map.of(
                "ms", Duration::ofMillis, "s", Duration::ofSeconds, "m", Duration::ofMinutes,
                "h", Duration::ofHours, "d", Duration::ofDays);
        for (String unit : List.of("ms", "s", "m", "h", "d")) {
            if (lower.endsWith(unit)) {
                return units.get(unit).apply(Long.parseLong(lower.substring(0, lower.length() - unit.length()).strip()));
            }
        }
        throw new NumberFormatException(text);
    }

    private static Map<String, String> readYaml(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("configuration file " + path + " does not exist");
        }
        Object root;
        try (Reader reader = Files.newBufferedReader(path)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("configuration file " + path + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new TreeMap<>();
        if (root != null) {
            if (!(root instanceof Map<?, ?> map)) {
                throw new ConfigException("configuration file " + path + " must hold a mapping of keys to values");
            }
            flatten("", map, flat);
        }
        flat.keySet().forEach(key -> requireKnown(key, path.toString()));
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach((k, value) -> {
            String key = prefix + k;
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else {
                out.put(key, value == null ? null : String.valueOf(value));
            }
        });
    }

    private static void requireKnown(String key, String source) {
        if (!DEFAULTS.containsKey(key)) {
            throw new ConfigException("unknown configuration key '" + key + "' in " + source + "; known keys: "
                                      + String.join(", ", DEFAULTS.keySet()));
        }
    }
}
