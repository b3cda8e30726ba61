package io.voicecore.marketplace.resellers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.listings.Listing;
import io.voicecore.marketplace.listings.Listings;
import io.voicecore.sdk.json.Json;

/**
 * What one version of a bundle holds: each plugin pinned to a version (and, when sold in the marketplace, a plan), the
 * default configuration its tenants start with, and every permission it declares with the reason shown to them; and the
 * branding of the bundle's tenants. Built from a request body here, checked against what the platform runs.
 */
record BundleContent(List<Pinned> plugins, Map<String, Object> branding) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    static final int MAX_PLUGINS = 50;
    static final int MAX_REASON = 500;
    private static final Set<String> PLUGIN_FIELDS = Set.of("id", "version", "plan", "config", "reasons");

    /** One permission of a pinned plugin, with the reason its tenants are shown. */
    record Grant(String permission, String reason) {
    }

    /**
     * A plugin of the bundle.
     *
     * @param plan   the marketplace plan; {@code null} for a plugin the marketplace does not sell
     * @param config the default configuration as stored (schema-checked), {@code null} when the bundle sets none
     */
    record Pinned(String id, String version, String plan, Map<String, Object> config, List<Grant> permissions) {
        Set<String> permissionNames() {
            Set<String> names = new HashSet<>();
            permissions.forEach(grant -> names.add(grant.permission()));
            return names;
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("version", version);
            view.put("plan", plan);
            view.put("config", config);
            view.put("permissions", permissions.stream().map(g -> Map.of("permission", g.permission(), "reason", g.reason())).toList());
            return view;
        }
    }

    /** The content of a request body ({@code plugins}, {@code branding}), or a 422 naming every bad field. */
    static BundleContent parse(JsonFields fields, JsonNode body, PluginRuntime plugins, PluginConfigs configs, Listings listings) {
        List<Pinned> pinned = new ArrayList<>();
        JsonNode list = body.get("plugins");
        if (list == null || !list.isArray() || list.isEmpty()) {
            fields.reject("plugins", "is required: an array of at least one {\"id\": ...}");
        } else if (list.size() > MAX_PLUGINS) {
            fields.reject("plugins", "holds at most " + MAX_PLUGINS + " plugins");
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                pin(fields, "plugins[" + i + "]", list.get(i), seen, plugins, configs, listings).ifPresent(pinned::add);
            }
            requireProviders(fields, pinned, plugins);
        }
        return new BundleContent(List.copyOf(pinned), Branding.read(body.get("branding"), "branding.", fields).view());
    }

    private static Optional<Pinned> pin(JsonFields fields, String at, JsonNode entry, Set<String> seen, PluginRuntime plugins,
                                        PluginConfigs configs, Listings listings) {
        if (entry == null || !entry.isObject()) {
            fields.reject(at, "must be an object such as {\"id\": \"crm\"}");
            return Optional.empty();
        }
        for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PLUGIN_FIELDS.contains(name)) {
                fields.reject(at + "." + name, "unknown field; expected one of " + PLUGIN_FIELDS.stream().sorted().toList());
            }
        }
        Optional<String> id = text(fields, entry, at + ".id", true);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (!seen.add(id.get())) {
            fields.reject(at + ".id", "'" + id.get() + "' is in the bundle already; name each plugin once");
            return Optional.empty();
        }
        Optional<PluginManifest> current = plugins.catalog().installed(id.get());
        if (current.isEmpty()) {
            fields.reject(at + ".id", "no plugin '" + id.get() + "' is installed on the platform");
            return Optional.empty();
        }
        Optional<String> askedVersion = text(fields, entry, at + ".version", false);
        PluginManifest manifest = current.get();
        if (askedVersion.isPresent() && !askedVersion.get().equals(manifest.version())) {
            // Only versions the platform still runs can be enabled: the current one, or an older one tenants still use.
            Optional<PluginManifest> older = plugins.catalog().loaded(id.get(), askedVersion.get()).map(LoadedVersion::manifest);
            if (older.isEmpty()) {
                fields.reject(at + ".version", "'" + id.get() + "' has no version '" + askedVersion.get() + "' on the platform; it runs "
                        + manifest.version());
                return Optional.empty();
            }
            manifest = older.get();
        }
        String plan = plan(fields, at, entry, id.get(), listings);
        Map<String, Object> config = config(fields, at, entry.get("config"), manifest, configs);
        List<Grant> grants = grants(fields, at, entry.get("reasons"), manifest);
        return Optional.of(new Pinned(id.get(), manifest.version(), plan, config, grants));
    }

    private static String plan(JsonFields fields, String at, JsonNode entry, String id, Listings listings) {
        Optional<String> plan = text(fields, entry, at + ".plan", false);
        Optional<Listing> listing = listings.isListed(id) ? listings.get(id) : Optional.empty();
        List<Map<String, Object>> plans = listing.map(Listing::plans).orElse(List.of());
        if (plans.isEmpty()) {
            plan.ifPresent(p -> fields.reject(at + ".plan", "'" + id + "' has no plans"
                    + (listing.isEmpty() ? ": the marketplace does not sell it" : "") + "; leave the plan out"));
            return null;
        }
        List<Object> ids = plans.stream().map(p -> p.get("id")).toList();
        if (plan.isEmpty()) {
            if (!entry.has("plan")) {
                fields.reject(at + ".plan", "is required: '" + id + "' is sold in the marketplace; choose one of " + ids);
            }
            return null;
        }
        Optional<Map<String, Object>> chosen = listing.get().plan(plan.get());
        if (chosen.isEmpty()) {
            fields.reject(at + ".plan", "'" + id + "' has no plan '" + plan.get() + "'; its plans are " + ids);
            return null;
        }
        if ("granted".equals(chosen.get().get("kind"))) {
            fields.reject(at + ".plan", "the plan '" + plan.get() + "' is granted by the platform administrator, not chosen");
        }
        return plan.get();
    }

    /** A paid plan: charged through commerce, which bundles do not call yet. */
    static boolean paid(Listings listings, String pluginId, String plan) {
        return plan != null && listings.get(pluginId).flatMap(l -> l.plan(plan)).map(p -> p.get("amount") != null).orElse(false);
    }

    static MarketplaceRefusal planNotFree(String pluginId, String plan) {
        return new MarketplaceRefusal(422, "bundle-plan-not-free", "Plan is paid", "The plan '" + plan + "' of '" + pluginId
                + "' is paid; a bundle pins free and trial plans only for now. Choose a free or trial plan.",
                Map.of("plugin", pluginId, "plan", plan));
    }

    private static Map<String, Object> config(JsonFields fields, String at, JsonNode config, PluginManifest manifest,
                                              PluginConfigs configs) {
        if (config == null || config.isNull()) {
            return null;
        }
        try {
            // The kernel's own check of tenant configuration, so a bundle never holds what a tenant admin could not save.
            Json stored = configs.validate(manifest.config(), Json.parse(config.toString()));
            return JSON.readValue(stored.toString(), OBJECT);
        } catch (PluginRefusal refused) {
            refused.fieldErrors().forEach(e -> fields.reject(at + ".config" + (e.field().equals("config") ? "" : "." + e.field()),
                                                             e.message()));
            return null;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored configuration is JSON", e);
        }
    }

    private static List<Grant> grants(JsonFields fields, String at, JsonNode reasons, PluginManifest manifest) {
        Map<String, String> given = new LinkedHashMap<>();
        if (reasons != null && !reasons.isNull()) {
            if (!reasons.isObject()) {
                fields.reject(at + ".reasons", "must be an object of permission name to reason, e.g. {\"storage\": \"Keeps ...\"}");
            } else {
                for (Iterator<String> names = reasons.fieldNames(); names.hasNext(); ) {
                    String permission = names.next();
                    String field = at + ".reasons." + permission;
                    if (!manifest.declares(permission)) {
                        fields.reject(field, "'" + manifest.id() + "' " + manifest.version() + " does not declare it; it declares "
                                + manifest.permissionNames().stream().sorted().toList());
                    } else {
                        text(fields, reasons, permission, field, MAX_REASON).ifPresent(reason -> given.put(permission, reason));
                    }
                }
            }
        }
        List<Grant> grants = new ArrayList<>();
        for (PluginManifest.Permission permission : manifest.permissions()) {
            String reason = given.getOrDefault(permission.name(), permission.reason() == null ? "" : permission.reason().strip());
            if (reason.isEmpty()) {
                fields.reject(at + ".reasons." + permission.name(), "needs a reason: the plugin states none, and its tenants are shown"
                        + " why each permission is granted for them");
            }
            grants.add(new Grant(permission.name(), reason));
        }
        return List.copyOf(grants);
    }

    /** A plugin that calls another plugin's service cannot work without it: the bundle must carry the provider. */
    private static void requireProviders(JsonFields fields, List<Pinned> pinned, PluginRuntime plugins) {
        Set<String> ids = new HashSet<>();
        pinned.forEach(p -> ids.add(p.id()));
        for (int i = 0; i < pinned.size(); i++) {
            Pinned plugin = pinned.get(i);
            Optional<PluginManifest> manifest = plugins.catalog().loaded(plugin.id(), plugin.version()).map(LoadedVersion::manifest);
            for (PluginManifest.ServiceRequirement requirement : manifest.map(PluginManifest::requires).orElse(List.of())) {
                if (!ids.contains(requirement.plugin())) {
                    fields.reject("plugins", "'" + plugin.id() + "' needs '" + requirement.plugin() + "' (service "
                            + requirement.service() + "); add it to the bundle");
                }
            }
        }
    }

    private static Optional<String> text(JsonFields fields, JsonNode object, String field, boolean required) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        Optional<String> value = text(fields, object, name, field, 200);
        if (required && value.isEmpty() && (object.get(name) == null || object.get(name).isNull())) {
            fields.reject(field, "is required");
        }
        return value;
    }

    private static Optional<String> text(JsonFields fields, JsonNode object, String name, String field, int maxLength) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            fields.reject(field, "must be a non-blank string");
            return Optional.empty();
        }
        String value = node.textValue().strip();
        if (value.length() > maxLength) {
            fields.reject(field, "must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    String pluginsJson() {
        return write(plugins.stream().map(Pinned::view).toList());
    }

    String brandingJson() {
        return write(branding);
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a bundle's content is JSON", e);
        }
    }

    /** The content as stored in {@code marketplace.bundle_versions}. */
    static BundleContent read(String pluginsJson, String brandingJson) {
        try {
            List<Pinned> plugins = new ArrayList<>();
            for (JsonNode p : JSON.readTree(pluginsJson)) {
                List<Grant> grants = new ArrayList<>();
                p.get("permissions").forEach(g -> grants.add(new Grant(g.get("permission").asText(), g.get("reason").asText())));
                JsonNode config = p.get("config");
                plugins.add(new Pinned(p.get("id").asText(), p.get("version").asText(), p.hasNonNull("plan") ? p.get("plan").asText() : null,
                                       config == null || config.isNull() ? null : JSON.convertValue(config, OBJECT),
                                       List.copyOf(grants)));
            }
            Map<String, Object> branding = JSON.readValue(brandingJson, OBJECT);
            return new BundleContent(List.copyOf(plugins), branding);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored bundle version is not JSON", e);
        }
    }
}
