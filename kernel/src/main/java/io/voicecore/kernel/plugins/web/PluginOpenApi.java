package io.voicecore.kernel.plugins.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.PluginApiDocument;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import org.yaml.snakeyaml.Yaml;

/**
 * The document served at {@code /openapi}: the kernel's (with its extensions') and the mounted
 * {@link PluginApiDocument} of the current version of every installed plugin that ships one. It is built again only
 * when the installed versions changed.
 */
public final class PluginOpenApi {
    private static final Logger LOG = Logger.getLogger(PluginOpenApi.class.getName());

    private final byte[] kernelDocument;
    private final PluginCatalog catalog;
    private volatile Built built = new Built(List.of(), null);

    /** The document for a set of plugin versions ({@code id@version}). */
    private record Built(List<String> versions, byte[] document) {
    }

    /** @param kernelDocument the kernel's OpenAPI document, extensions merged in, as YAML */
    public PluginOpenApi(byte[] kernelDocument, PluginCatalog catalog) {
        this.kernelDocument = kernelDocument;
        this.catalog = catalog;
    }

    /** The whole document, YAML. */
    public byte[] document() {
        List<LoadedVersion> described = catalog.currentVersions().stream().filter(v -> v.apiDocument().isPresent())
                .sorted(java.util.Comparator.comparing(v -> v.manifest().id())).toList();
        List<String> versions = described.stream().map(LoadedVersion::key).toList();
        Built current = built;
        if (current.versions().equals(versions) && current.document() != null) {
            return current.document();
        }
        byte[] document = described.isEmpty() ? kernelDocument : merged(described);
        built = new Built(versions, document);
        return document;
    }

    private byte[] merged(List<LoadedVersion> described) {
        Yaml yaml = new Yaml();
        Map<String, Object> document = yaml.load(new String(kernelDocument, StandardCharsets.UTF_8));
        for (LoadedVersion version : described) {
            Map<String, Object> mounted = version.apiDocument().orElseThrow().mounted();
            // Plugin paths lie under the plugin's own id and its components carry it as a prefix, so nothing can clash
            // but a kernel entry of that very name; the kernel's is kept.
            merge(section(document, "paths"), mounted.get("paths"), version.key());
            Map<String, Object> components = section(document, "components");
            if (mounted.get("components") instanceof Map<?, ?> kinds) {
                kinds.forEach((kind, entries) -> merge(section(components, String.valueOf(kind)), entries, version.key()));
            }
        }
        return yaml.dump(document).getBytes(StandardCharsets.UTF_8);
    }

    private static void merge(Map<String, Object> target, Object entries, String version) {
        if (entries instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (target.putIfAbsent(String.valueOf(key), value) != null) {
                    LOG.warning(() -> "OpenAPI entry '" + key + "' of plugin " + version + " is already in the document; left out");
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> document, String name) {
        return (Map<String, Object>) document.computeIfAbsent(name, n -> new LinkedHashMap<String, Object>());
    }
}
