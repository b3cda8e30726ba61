package io.voicecore.kernel.plugins.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.voicecore.kernel.plugins.store.PluginStore;

/**
 * What this node knows of each tenant's enablement of each plugin, read from the database on first use.
 * Entries are invalidated by generation counters rather than removed: a read in progress while a change
 * commits would otherwise store the row as it was before the change, for good. A change to one tenant's
 * row stales that entry only; an install or uninstall stales every tenant's entry of the plugin.
 */
final class TenantPluginCache {
    private record Entry(long pluginGeneration, long tenantGeneration, Optional<PluginStore.TenantPlugin> state) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pluginGenerations = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> tenantGenerations = new ConcurrentHashMap<>();

    Optional<PluginStore.TenantPlugin> get(UUID tenantId, String pluginId, Supplier<Optional<PluginStore.TenantPlugin>> read) {
        String key = tenantId + "/" + pluginId;
        // Generations are taken before the read: a change committed during the read moves them on, so the
        // row read here is not served again after that change.
        long pluginGeneration = counter(pluginGenerations, pluginId).get();
        long tenantGeneration = counter(tenantGenerations, key).get();
        Entry cached = entries.get(key);
        if (cached != null && cached.pluginGeneration() == pluginGeneration && cached.tenantGeneration() == tenantGeneration) {
            return cached.state();
        }
        Optional<PluginStore.TenantPlugin> state = read.get();
        entries.put(key, new Entry(pluginGeneration, tenantGeneration, state));
        return state;
    }

    /** After one tenant's row of the plugin changed. */
    void invalidate(UUID tenantId, String pluginId) {
        counter(tenantGenerations, tenantId + "/" + pluginId).incrementAndGet();
    }

    /** After every tenant's row of the plugin may have changed (install, upgrade, uninstall). */
    void invalidateAll(String pluginId) {
        counter(pluginGenerations, pluginId).incrementAndGet();
    }

    private static AtomicLong counter(Map<String, AtomicLong> counters, String key) {
        return counters.computeIfAbsent(key, k -> new AtomicLong());
    }
}
