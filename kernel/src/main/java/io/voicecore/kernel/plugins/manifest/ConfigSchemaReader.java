package io.voicecore.kernel.plugins.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;

/**
 * Reads the {@code config} section of a {@code plugin.yaml}: the configuration properties a tenant admin sets, each
 * with its type, whether it is required, its default and the constraints only its type has (enum values, a string
 * pattern, integer bounds). Problems go to the {@link YamlFields} of the parse under way.
 */
final class ConfigSchemaReader {
    private static final List<String> PROPERTY_KEYS = List.of("type", "required", "description", "default", "values",
                                                              "pattern", "minimum", "maximum");

    private final YamlFields fields;

    /** @param fields where the parse under way reads values and records problems */
    ConfigSchemaReader(YamlFields fields) {
        this.fields = fields;
    }

    /** @return the valid properties by name, in the order declared; an absent or null section declares none */
    Map<String, ConfigProperty> read(Object value) {
        Map<String, ConfigProperty> properties = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : fields.optionalMapping(value, "config").entrySet()) {
            String field = "config." + entry.getKey();
            if (!ManifestParser.CONFIG_NAME.matcher(entry.getKey()).matches()) {
                fields.error(field, "'" + entry.getKey() + "' is not a property name; use lower camel case letters and"
                                    + " digits, at most 40, e.g. 'instanceUrl'");
                continue;
            }
            fields.mapping(entry.getValue(), field).flatMap(property -> property(property, field))
                    .ifPresent(property -> properties.put(entry.getKey(), property));
        }
        return Collections.unmodifiableMap(properties);
    }

    private Optional<ConfigProperty> property(Map<String, Object> property, String field) {
        int before = fields.errorCount();
        fields.onlyKeys(property, field, PROPERTY_KEYS);
        Optional<String> type = fields.text(property.get("type"), field + ".type", true, 20).filter(t -> {
            if (!ManifestParser.CONFIG_TYPES.contains(t)) {
                fields.error(field + ".type", "'" + t + "' is not a property type; use one of "
                                              + String.join(", ", ManifestParser.CONFIG_TYPES));
                return false;
            }
            return true;
        });
        boolean required = fields.bool(property.get("required"), field + ".required").orElse(false);
        String description = fields.text(property.get("description"), field + ".description", false,
                                         ManifestParser.MAX_REASON).orElse("");
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String t = type.get();
        appliesOnlyTo(property, field, "values", "enum", t);
        appliesOnlyTo(property, field, "pattern", "string", t);
        appliesOnlyTo(property, field, "minimum", "integer", t);
        appliesOnlyTo(property, field, "maximum", "integer", t);

        List<String> values = List.of();
        if (t.equals("enum")) {
            if (property.get("values") == null) {
                fields.error(field + ".values", "is required for type enum; list the allowed values, e.g. [small, large]");
            } else {
                values = fields.textList(property.get("values"), field + ".values", 100, (v, at) -> true);
                if (values.isEmpty() && fields.noErrorsUnder(field + ".values", before)) {
                    fields.error(field + ".values", "is empty; an enum needs at least one value");
                }
            }
        }
        Optional<Pattern> compiled = Optional.empty();
        Optional<String> pattern = Optional.empty();
        if (t.equals("string")) {
            pattern = fields.text(property.get("pattern"), field + ".pattern", false, 500);
            try {
                compiled = pattern.map(Pattern::compile);
            } catch (PatternSyntaxException e) {
                fields.error(field + ".pattern", "is not a Java regular expression: " + e.getDescription() + " near index "
                                                 + e.getIndex());
            }
        }
        Optional<Long> minimum = Optional.empty();
        Optional<Long> maximum = Optional.empty();
        if (t.equals("integer")) {
            minimum = fields.integer(property.get("minimum"), field + ".minimum");
            maximum = fields.integer(property.get("maximum"), field + ".maximum");
            if (minimum.isPresent() && maximum.isPresent() && minimum.get() > maximum.get()) {
                fields.error(field + ".maximum", "is " + maximum.get() + ", below the minimum " + minimum.get());
            }
        }
        Optional<String> defaultValue = Optional.empty();
        Object rawDefault = property.get("default");
        if (rawDefault != null) {
            if (required) {
                fields.error(field + ".default", "a required property has no default: the tenant must set it; remove"
                                                 + " 'default' or set 'required: false'");
            }
            defaultValue = defaultValue(rawDefault, field + ".default", t, values, compiled, minimum, maximum);
        }
        if (fields.errorCount() > before) {
            return Optional.empty();
        }
        return Optional.of(new ConfigProperty(t, required, defaultValue, values, pattern, minimum, maximum, description));
    }

    private void appliesOnlyTo(Map<String, Object> property, String field, String key, String type, String actual) {
        if (property.containsKey(key) && !type.equals(actual)) {
            fields.error(field + "." + key, "applies only to type " + type + ", not " + actual + "; remove it");
        }
    }

    private Optional<String> defaultValue(Object value, String field, String type, List<String> values,
                                          Optional<Pattern> pattern, Optional<Long> minimum, Optional<Long> maximum) {
        switch (type) {
            case "boolean" -> {
                return fields.bool(value, field).map(String::valueOf);
            }
            case "integer" -> {
                Optional<Long> number = fields.integer(value, field);
                if (number.isPresent() && minimum.isPresent() && number.get() < minimum.get()) {
                    fields.error(field, "is " + number.get() + ", below the minimum " + minimum.get());
                    return Optional.empty();
                }
                if (number.isPresent() && maximum.isPresent() && number.get() > maximum.get()) {
                    fields.error(field, "is " + number.get() + ", above the maximum " + maximum.get());
                    return Optional.empty();
                }
                return number.map(String::valueOf);
            }
            case "url" -> {
                return fields.text(value, field, true, 2000).filter(url -> validUrl(url, field));
            }
            case "enum" -> {
                return fields.text(value, field, true, 100).filter(v -> {
                    if (!values.isEmpty() && !values.contains(v)) {
                        fields.error(field, "'" + v + "' is not one of the values " + String.join(", ", values));
                        return false;
                    }
                    return true;
                });
            }
            default -> {
                return fields.text(value, field, false, 2000).filter(v -> {
                    if (pattern.isPresent() && !pattern.get().matcher(v).matches()) {
                        fields.error(field, "'" + v + "' does not match the pattern " + pattern.get().pattern());
                        return false;
                    }
                    return true;
                });
            }
        }
    }

    private boolean validUrl(String url, String field) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                return true;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        fields.error(field, "'" + url + "' is not an absolute http or https URL such as 'https://example.my.salesforce.com'");
        return false;
    }
}
