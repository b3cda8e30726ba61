package io.voicecore.kernel.plugins.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SQL names of plugin objects, and the URL plugin connections use. */
class PluginDatabaseNamesTest {

    @Test
    void namesFollowThePluginId() {
        PluginDatabaseNames names = PluginDatabaseNames.of("crm-pro");
        assertEquals("plugin_crm_pro", names.schema());
        assertEquals("vco_crm_pro", names.ownerRole());
        assertEquals("vcp_crm_pro", names.runtimeRole());
    }

    @Test
    void noPluginsRuntimeRoleIsAnotherPluginsOwnerRole() {
        // With a suffix for owners, 'crm-owner' would have run as the owner of 'crm'.
        assertNotEquals(PluginDatabaseNames.of("crm").ownerRole(), PluginDatabaseNames.of("crm-owner").runtimeRole());
        assertNotEquals(PluginDatabaseNames.of("vco-crm").runtimeRole(), PluginDatabaseNames.of("crm").ownerRole());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Crm", "1crm", "crm_pro", "crm;drop", "crm pro", "abcdefghijabcdefghijabcdefghijabcdefghijx"})
    void invalidIdsAreRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> PluginDatabaseNames.of(id));
    }

    @Test
    void pluginConnectionsDropTheKernelsUserPasswordAndOptions() {
        assertEquals("jdbc:postgresql://db:5432/vc?ssl=true&sslmode=require",
                     PluginDatabases.pluginUrl("jdbc:postgresql://db:5432/vc?user=postgres&ssl=true&password=secret&options=-c%20x=1&sslmode=require"));
        assertEquals("jdbc:postgresql://db/vc", PluginDatabases.pluginUrl("jdbc:postgresql://db/vc?USER=postgres"));
        assertEquals("jdbc:postgresql://db/vc", PluginDatabases.pluginUrl("jdbc:postgresql://db/vc"));
    }
}
