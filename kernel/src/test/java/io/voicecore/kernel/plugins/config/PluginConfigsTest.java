package io.voicecore.kernel.plugins.config;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.plugins.CapabilityFixture.Audited;
import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-tenant plugin configuration: validation against the manifest's schema, defaults, storage and audit. */
class PluginConfigsTest {
    static final ConfigSchema SCHEMA = schema();
    static final PluginManifest CRM = manifest("crm", Set.of(), List.of(), SCHEMA);

    static CapabilityFixture fixture;
    static PluginConfigs configs;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open();
        configs = new PluginConfigs(fixture.database(), new AuditLog(Clock.systemUTC()),
                                    new NearCache("plugin-config", new InProcessSharedState(), Duration.ofSeconds(30), 10_000, Clock.systemUTC()), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    private static ConfigSchema schema() {
        Map<String, ConfigProperty> properties = new LinkedHashMap<>();
        properties.put("instanceUrl", property("url", true, null));
        properties.put("region", new ConfigProperty("enum", false, Optional.of("eu"), List.of("eu", "us"), Optional.empty(),
                                                     Optional.empty(), Optional.empty(), "Data region"));
        properties.put("pageSize", new ConfigProperty("integer", false, Optional.of("50"), List.of(), Optional.empty(),
                                                      Optional.of(1L), Optional.of(500L), "Contacts per page"));
        properties.put("sync", property("boolean", false, "true"));
        properties.put("accountCode", new ConfigProperty("string", true, Optional.empty(), List.of(), Optional.of("[A-Z]{3}-[0-9]{4}"),
                                                         Optional.empty(), Optional.empty(), "Your account code"));
        properties.put("note", property("string", false, null));
        return new ConfigSchema(properties);
    }

    private static ConfigProperty property(String type, boolean required, String defaultValue) {
        return new ConfigProperty(type, required, Optional.ofNullable(defaultValue), List.of(), Optional.empty(), Optional.empty(),
                                  Optional.empty(), "");
    }

    @Test
    void aValidConfigurationIsAccepted() {
        Json accepted = configs.validate(SCHEMA, Json.parse("""
                {"instanceUrl": "https://crm.acme.test/api", "region": "us", "pageSize": 500, "sync": false,
                 "accountCode": "ACM-0042", "note": null}"""));
        assertEquals(Json.parse("""
                {"instanceUrl": "https://crm.acme.test/api", "region": "us", "pageSize": 500, "sync": false, "accountCode": "ACM-0042"}"""),
                     accepted, "null members are dropped");
        assertEquals(Json.parse("{\"instanceUrl\":\"http://127.0.0.1:8080\",\"accountCode\":\"ABC-0001\",\"pageSize\":1}"),
                     configs.validate(SCHEMA, Json.parse("{\"instanceUrl\":\"http://127.0.0.1:8080\",\"accountCode\":\"ABC-0001\",\"pageSize\":1.0}")),
                     "an integral decimal is the integer");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        PluginRefusal invalid = assertThrows(PluginRefusal.class, () -> configs.validate(SCHEMA, Json.parse("""
                {"region": "mars", "pageSize": 501, "sync": "yes", "accountCode": "acm-42", "colour": "blue", "note": 7}""")));
        Map<String, String> errors = invalid.fieldErrors().stream()
                .collect(Collectors.toMap(PluginRefusal.FieldError::field, PluginRefusal.FieldError::message));
        assertEquals(Set.of("instanceUrl", "region", "pageSize", "sync", "accountCode", "colour", "note"), errors.keySet(), errors.toString());
        assertTrue(errors.get("instanceUrl").contains("is required"), errors.toString());
        assertTrue(errors.get("region").contains("[eu, us]") && errors.get("region").contains("mars"), errors.toString());
        assertTrue(errors.get("pageSize").contains("at most 500"), errors.toString());
        assertTrue(errors.get("sync").contains("true or false"), errors.toString());
        assertTrue(errors.get("accountCode").contains("[A-Z]{3}-[0-9]{4}"), errors.toString());
        assertTrue(errors.get("colour").contains("unknown configuration key"), errors.toString());
        assertTrue(errors.get("note").contains("must be a string"), errors.toString());
        assertEquals(422, PluginProblems.problemFor(invalid, "request").orElseThrow().status());
        assertTrue(invalid.getMessage().contains("colour: unknown configuration key"), invalid.getMessage());
    }

    @Test
    void typeRulesAreEnforced() {
        List<Map.Entry<String, String>> cases = List.of(
                Map.entry("instanceUrl", "\"ftp://crm.acme.test\""),
                Map.entry("instanceUrl", "\"crm.acme.test\""),
                Map.entry("instanceUrl", "\"https://user:secret@crm.acme.test\""),
                Map.entry("instanceUrl", "\"https://exa mple.com\""),
                Map.entry("instanceUrl", "42"),
                Map.entry("pageSize", "0"),
                Map.entry("pageSize", "2.5"),
                Map.entry("pageSize", "\"50\""),
                Map.entry("pageSize", "99999999999999999999999"),
                Map.entry("region", "\"EU\""),
                Map.entry("region", "1"),
                Map.entry("sync", "1"),
                Map.entry("note", "\"" + "x".repeat(PluginConfigs.MAX_STRING_LENGTH + 1) + "\""));
        for (Map.Entry<String, String> c : cases) {
            // Otherwise valid, so the one bad value is the only error.
            Map<String, Json> members = new LinkedHashMap<>(Json.parse("{\"accountCode\": \"ABC-0001\", \"instanceUrl\": \"https://ok.test\"}").asMap());
            members.put(c.getKey(), Json.parse(c.getValue()));
            PluginRefusal invalid = assertThrows(PluginRefusal.class,
                                                           () -> configs.validate(SCHEMA, new Json.Obj(members)), c.toString());
            assertEquals(List.of(c.getKey()), invalid.fieldErrors().stream().map(PluginRefusal.FieldError::field).toList(), c.toString());
        }
        assertThrows(PluginRefusal.class, () -> configs.validate(SCHEMA, Json.parse("[1, 2]")));
        PluginRefusal userInfo = assertThrows(PluginRefusal.class, () -> configs.validate(SCHEMA,
                Json.parse("{\"accountCode\": \"ABC-0001\", \"instanceUrl\": \"https://user:secret@crm.acme.test\"}")));
        assertFalse(userInfo.getMessage().contains("secret@"), userInfo.getMessage());
    }

    @Test
    void onlyWhatTheTenantSetIsStoredAndDefaultsApplyWhenRead() throws SQLException {
        UUID tenant = fixture.tenant("config-defaults");
        Json effective = configs.put(tenant, CRM, Json.parse("{\"instanceUrl\": \"https://crm.acme.test\", \"accountCode\": \"ACM-0001\"}"),
                                     AdminToken.principal());
        Json expected = Json.parse("""
                {"instanceUrl": "https://crm.acme.test", "region": "eu", "pageSize": 50, "sync": true, "accountCode": "ACM-0001"}""");
        assertEquals(expected.asMap(), effective.asMap());
        assertEquals(expected.asMap(), configs.effective(tenant, CRM).asMap());
        try (Connection owner = fixture.ownerConnection(); var statement = owner.createStatement();
             var rows = statement.executeQuery("SELECT config_values::text FROM kernel.plugin_config WHERE tenant_id = '" + tenant + "'")) {
            rows.next();
            assertEquals(Json.parse("{\"instanceUrl\": \"https://crm.acme.test\", \"accountCode\": \"ACM-0001\"}").asMap(),
                         Json.parse(rows.getString(1)).asMap(), "defaults are not stored, so a new version's defaults apply");
        }

        // A later version changes a default and drops a key: reading follows the schema it is read with.
        Map<String, ConfigProperty> changed = new LinkedHashMap<>(SCHEMA.properties());
        changed.put("pageSize", new ConfigProperty("integer", false, Optional.of("100"), List.of(), Optional.empty(), Optional.empty(),
                                                   Optional.empty(), ""));
        changed.remove("accountCode");
        PluginManifest next = manifest("crm", Set.of(), List.of(), new ConfigSchema(changed));
        Json upgraded = configs.effective(tenant, next);
        assertEquals(100L, upgraded.get("pageSize").asLong());
        assertFalse(upgraded.has("accountCode"));
    }

    @Test
    void putIsValidatedAndAuditedWithoutValues() {
        UUID tenant = fixture.tenant("config-audit");
        assertThrows(PluginRefusal.class, () -> configs.put(tenant, CRM, Json.parse("{\"pageSize\": 0}"), AdminToken.principal()));
        assertEquals(List.of(), fixture.audit(tenant, "plugin.config.update"), "a refused configuration changes nothing");
        configs.put(tenant, CRM, Json.parse("{\"instanceUrl\": \"https://private-crm.acme.test\", \"accountCode\": \"ACM-0001\"}"),
                    AdminToken.principal());
        configs.put(tenant, CRM, Json.parse("{\"instanceUrl\": \"https://crm.acme.test\", \"accountCode\": \"ACM-0002\", \"sync\": false}"),
                    AdminToken.principal());
        List<Audited> audited = fixture.audit(tenant, "plugin.config.update");
        assertEquals(2, audited.size());
        assertEquals("plugin:crm", audited.getLast().target());
        assertEquals("platform-admin", audited.getLast().actor());
        assertEquals(List.of("accountCode", "instanceUrl", "sync"), audited.getLast().details().get("keys"));
        assertFalse(audited.getFirst().raw().contains("private-crm") || audited.getLast().raw().contains("ACM-0002"),
                    "values are not audited: " + audited);
        assertFalse(configs.effective(tenant, CRM).get("sync").asBoolean(), "the second put replaced the first");
    }

    @Test
    void pluginsReadTheirTenantsConfigurationOnly() {
        UUID tenantA = fixture.tenant("config-a");
        UUID tenantB = fixture.tenant("config-b");
        configs.put(tenantA, CRM, Json.parse("{\"instanceUrl\": \"https://a.test\", \"accountCode\": \"AAA-0001\", \"pageSize\": 7}"),
                    AdminToken.principal());
        PluginConfig asA = configs.forCall(call(tenantA, CRM));
        assertEquals(Optional.of("https://a.test"), asA.string("instanceUrl"));
        assertEquals(Optional.of(7L), asA.number("pageSize"));
        assertEquals(Optional.of(true), asA.bool("sync"));
        assertEquals(Optional.of("eu"), asA.string("region"));
        assertEquals(Optional.empty(), asA.string("note"));
        assertThrows(JsonException.class, () -> asA.string("pageSize"), "a number is not read as a string");
        assertThrows(JsonException.class, () -> asA.bool("region"));

        PluginConfig asB = configs.forCall(call(tenantB, CRM));
        assertEquals(Optional.empty(), asB.string("instanceUrl"), "tenant B configured nothing");
        assertEquals(Optional.of(50L), asB.number("pageSize"), "only defaults");
        PluginConfig otherPlugin = configs.forCall(call(tenantA, manifest("billing", Set.of(), List.of(), SCHEMA)));
        assertEquals(Optional.empty(), otherPlugin.string("instanceUrl"), "another plugin of the same tenant sees its own configuration");
    }
}
