package io.voicecore.kernel;

import java.util.Optional;

import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ProblemMapper;

/**
 * A part of the platform that is not the kernel but builds on it, such as the marketplace: it owns a database
 * schema, offers API routes and maps its own exceptions to problems, and otherwise uses the kernel's services
 * (install, enablement and consent, audit, storage). The kernel does not depend on any extension; it finds them
 * with {@link java.util.ServiceLoader} on its class path, the way a Helidon {@code ServerFeature} adds routes to a
 * server that does not know it.
 *
 * <p>Life cycle, in this order: {@link #migrations()} are applied as the database owner right after the kernel's
 * own; {@link #start} is called once every kernel service exists and before installed plugins load or any request
 * is served; {@link #registerRoutes} once, after the kernel's routes; {@link #close} before the kernel's services
 * stop.
 */
public interface KernelExtension extends AutoCloseable {

    /**
     * Where an extension's Flyway migrations are: its own schema (it never touches the kernel's) and the class-path
     * location of its scripts. The scripts grant {@code voicecore_app} what the extension's services need; the
     * schema's history table is kept in the schema itself.
     *
     * @param schema   the schema the migrations create and own, e.g. {@code marketplace}
     * @param location a class-path folder, e.g. {@code db/marketplace}; never {@code db/migration}, the kernel's
     */
    record Migrations(String schema, String location) {
        public Migrations {
            if (!schema.matches("[a-z][a-z0-9_]{0,30}") || "kernel".equals(schema)) {
                throw new IllegalArgumentException("an extension's schema must be a lower-case identifier other than 'kernel': " + schema);
            }
            if (location.isBlank() || location.equals("db/migration")) {
                throw new IllegalArgumentException("an extension's migrations need a location of their own, not " + location);
            }
        }
    }

    /** A short name for logs and the start-up summary. */
    String name();

    /** The extension's database schema, migrated before {@link #start}; empty when it stores nothing. */
    default Optional<Migrations> migrations() {
        return Optional.empty();
    }

    /** Builds the extension's services on the kernel's; a failure here fails the kernel's start. */
    void start(KernelServices kernel);

    /** Registers the extension's API routes; under {@code /api/v1/tenants/{tenant}/} only reserved segments. */
    void registerRoutes(ApiRoutes api);

    /** How the extension's own exceptions become problems; consulted after the kernel's mapping. */
    default ProblemMapper problems() {
        return ProblemMapper.NONE;
    }

    /**
     * The OpenAPI description of the extension's routes: a YAML document with {@code paths} (and optionally
     * {@code components}) that the kernel merges into the document it serves at {@code /openapi}.
     */
    default Optional<String> openApi() {
        return Optional.empty();
    }

    /**
     * What observes every call into plugin code ({@link io.voicecore.kernel.plugins.PluginObserver}); asked once, before
     * the kernel's services are built. {@code NONE}, the default, leaves the capabilities unwrapped. Only the developer
     * sandbox, which builds its kernel with its own extension given explicitly (never found on the class path), gives
     * one; at most one extension of a kernel may.
     */
    default io.voicecore.kernel.plugins.PluginObserver pluginObserver() {
        return io.voicecore.kernel.plugins.PluginObserver.NONE;
    }

    /** Stops the extension's background work; called before the kernel's services stop. */
    @Override
    default void close() {
    }
}
