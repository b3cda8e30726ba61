package io.voicecore.kernel.plugins.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginObserver;
import io.voicecore.sdk.Branding;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.PluginLog;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Scripts;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.capability.Usage;
import io.voicecore.sdk.json.Json;

/**
 * The kernel's capabilities with every use reported to a {@link PluginObserver}: each SQL statement (text,
 * parameters, rows, time), each outbound request, each publication, each log line, and each refusal by a guard. It
 * sits between the plugin and the real capabilities, which do all the checking themselves; only a kernel built with
 * an observer uses it, so a production kernel's capabilities are not wrapped at all.
 */
public final class ObservedCapabilities implements CapabilityFactory {
    private final CapabilityFactory capabilities;
    private final PluginObserver observer;

    public ObservedCapabilities(CapabilityFactory capabilities, PluginObserver observer) {
        this.capabilities = capabilities;
        this.observer = observer;
    }

    @Override
    public Storage storage(PluginCall call) {
        return observedStorage(call, guarded(call, () -> capabilities.storage(call)));
    }

    private Storage observedStorage(PluginCall call, Storage storage) {
        return new Storage() {
            @Override
            public List<Row> query(String sql, Object... params) {
                return statement(sql, params, () -> storage.query(sql, params), List::size);
            }

            @Override
            public Optional<Row> queryOne(String sql, Object... params) {
                return statement(sql, params, () -> storage.queryOne(sql, params), row -> row.isPresent() ? 1 : 0);
            }

            @Override
            public int update(String sql, Object... params) {
                return statement(sql, params, () -> storage.update(sql, params), changed -> changed);
            }

            @Override
            public <T> T transaction(Function<Storage, T> work) {
                return guarded(call, () -> storage.transaction(inner -> work.apply(observedStorage(call, inner))));
            }

            private <T> T statement(String sql, Object[] params, java.util.function.Supplier<T> run, Function<T, Integer> rows) {
                List<Object> parameters = params == null ? List.of() : Arrays.asList(params.clone());
                long started = System.nanoTime();
                T result;
                try {
                    result = guarded(call, run);
                } catch (RuntimeException | Error failure) {
                    observer.statement(call, sql, parameters, -1, System.nanoTime() - started, Optional.of(failure));
                    throw failure;
                }
                observer.statement(call, sql, parameters, rows.apply(result), System.nanoTime() - started, Optional.empty());
                return result;
            }
        };
    }

    @Override
    public HttpEgress http(PluginCall call) {
        HttpEgress egress = guarded(call, () -> capabilities.http(call));
        return request -> {
            long started = System.nanoTime();
            EgressResponse response;
            try {
                response = guarded(call, () -> egress.send(request));
            } catch (RuntimeException | Error failure) {
                observer.egress(call, request, Optional.empty(), System.nanoTime() - started, Optional.of(failure));
                throw failure;
            }
            observer.egress(call, request, Optional.of(response), System.nanoTime() - started, Optional.empty());
            return response;
        };
    }

    @Override
    public Events events(PluginCall call) {
        Events events = guarded(call, () -> capabilities.events(call));
        return (topic, payload) -> {
            String id = guarded(call, () -> events.publish(topic, payload));
            observer.published(call, topic, payload == null ? Json.NULL : payload);
            return id;
        };
    }

    @Override
    public Secrets secrets(PluginCall call) {
        Secrets secrets = guarded(call, () -> capabilities.secrets(call));
        return new Secrets() {
            @Override
            public void put(String name, String value) {
                guarded(call, () -> {
                    secrets.put(name, value);
                    return null;
                });
            }

            @Override
            public Optional<String> get(String name) {
                return guarded(call, () -> secrets.get(name));
            }

            @Override
            public boolean delete(String name) {
                return guarded(call, () -> secrets.delete(name));
            }
        };
    }

    @Override
    public Usage usage(PluginCall call, Optional<Licence> licence) {
        Usage usage = guarded(call, () -> capabilities.usage(call, licence));
        return (meter, quantity, unit) -> guarded(call, () -> {
            usage.record(meter, quantity, unit);
            return null;
        });
    }

    @Override
    public PluginConfig config(PluginCall call) {
        return capabilities.config(call);
    }

    @Override
    public PluginLog log(PluginCall call) {
        PluginLog log = capabilities.log(call);
        return new PluginLog() {
            @Override
            public void info(String message) {
                observer.logged(call, "INFO", message);
                log.info(message);
            }

            @Override
            public void warn(String message) {
                observer.logged(call, "WARN", message);
                log.warn(message);
            }

            @Override
            public void error(String message, Throwable failure) {
                observer.logged(call, "ERROR", failure == null ? message : message + ": " + failure);
                log.error(message, failure);
            }
        };
    }

    @Override
    public Scripts scripts(PluginCall call) {
        return capabilities.scripts(call);
    }

    @Override
    public Branding branding(PluginCall call) {
        return capabilities.branding(call);
    }

    @Override
    public void prepare(PluginManifest manifest, ClassLoader pluginResources) {
        capabilities.prepare(manifest, pluginResources);
    }

    @Override
    public void release(String pluginId) {
        capabilities.release(pluginId);
    }

    /** Runs a capability's work and reports a guard's refusal (a permission, a usage limit) before passing it on. */
    private <T> T guarded(PluginCall call, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (PermissionDeniedException refused) {
            observer.refused(call, "permission", refused.getMessage());
            throw refused;
        } catch (UsageLimitReachedException refused) {
            observer.refused(call, "usage-limit", refused.getMessage());
            throw refused;
        }
    }
}
