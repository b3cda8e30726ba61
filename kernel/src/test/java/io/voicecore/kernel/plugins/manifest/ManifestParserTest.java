package io.voicecore.kernel.plugins.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest.Limits;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.PluginManifest.Route;
import io.voicecore.kernel.plugins.PluginManifest.ServiceRequirement;
import io.voicecore.kernel.plugins.manifest.ManifestException.FieldError;

/** Every rule of {@code docs/plugin-manifest.md}: the field each error names and what its message says. */
class ManifestParserTest {
    private final ManifestParser parser = new ManifestParser();

    /** The required fields only; tests append sections to it. */
    private static final String REQUIRED = """
            id: crm
            name: CRM
            version: 1.2.0
            vendor: VoiceCore
            description: Contacts, leads and deals.
            main: io.voicecore.crm.CrmPlugin
            kernel: ">=0.1.0 <1.0.0"
            """;

    private static final String FULL = """
            id: crm                      # a comment
            name: CRM
            version: 1.2.0
            vendor: VoiceCore
            description: Contacts, leads and deals.
            main: io.voicecore.crm.CrmPlugin
            kernel: ">=0.1.0 <1.0.0"
            permissions:
              - name: storage
                reason: Keeps contacts in its own tables.
              - name: events:publish
                reason: Announces new contacts.
              - name: events:subscribe
                reason: Logs calls against contacts.
              - name: http:egress
                reason: Syncs with Salesforce.
              - name: services
                reason: Summarises notes with the AI gateway.
            routes:
              - GET /contacts
              - POST /contacts/{id}/notes
            streams: ["/contacts/{id}/live"]
            events:
              publishes: [crm.contact.created]
              subscribes: [conversation.ended]
            egress:
              hosts: [api.openai.com, "*.salesforce.com", "${config.instanceUrl}"]
            config:
              instanceUrl: {type: url, required: false, description: "Your Salesforce instance."}
              model: {type: enum, values: [gpt-4o, gpt-4o-mini], default: gpt-4o-mini}
              maxTokens: {type: integer, minimum: 1, maximum: 8000, default: 512}
              greeting: {type: string, pattern: "^.{1,200}$"}
              enabled: {type: boolean, default: true}
            services:
              exports: [io.voicecore.crm.api.ContactDirectory]
              requires:
                - {plugin: ai-gateway, version: ">=1.0.0 <2.0.0", service: io.voicecore.ai.api.LanguageModel}
            dataClasses: [contact-pii]
            limits: {timeoutMillis: 2000, concurrency: 4}
            libraries: [openai-java]
            """;

    @Test
    void fullManifestParsesIntoTheRecord() {
        Map<String, ConfigProperty> config = new LinkedHashMap<>();
        config.put("instanceUrl", new ConfigProperty("url", false, Optional.empty(), List.of(), Optional.empty(),
                                                     Optional.empty(), Optional.empty(), "Your Salesforce instance."));
        config.put("model", new ConfigProperty("enum", false, Optional.of("gpt-4o-mini"), List.of("gpt-4o", "gpt-4o-mini"),
                                               Optional.empty(), Optional.empty(), Optional.empty(), ""));
        config.put("maxTokens", new ConfigProperty("integer", false, Optional.of("512"), List.of(), Optional.empty(),
                                                   Optional.of(1L), Optional.of(8000L), ""));
        config.put("greeting", new ConfigProperty("string", false, Optional.empty(), List.of(), Optional.of("^.{1,200}$"),
                                                  Optional.empty(), Optional.empty(), ""));
        config.put("enabled", new ConfigProperty("boolean", false, Optional.of("true"), List.of(), Optional.empty(),
                                                 Optional.empty(), Optional.empty(), ""));
        PluginManifest expected = new PluginManifest("crm", "CRM", "1.2.0", "VoiceCore", "Contacts, leads and deals.",
                "io.voicecore.crm.CrmPlugin", ">=0.1.0 <1.0.0",
                List.of(new Permission("storage", "Keeps contacts in its own tables."),
                        new Permission("events:publish", "Announces new contacts."),
                        new Permission("events:subscribe", "Logs calls against contacts."),
                        new Permission("http:egress", "Syncs with Salesforce."),
                        new Permission("services", "Summarises notes with the AI gateway.")),
                List.of(new Route("GET", "/contacts"), new Route("POST", "/contacts/{id}/notes")),
                List.of("/contacts/{id}/live"),
                List.of("crm.contact.created"), List.of("conversation.ended"),
                List.of("api.openai.com", "*.salesforce.com", "${config.instanceUrl}"),
                new ConfigSchema(config), List.of("io.voicecore.crm.api.ContactDirectory"),
                List.of(new ServiceRequirement("ai-gateway", ">=1.0.0 <2.0.0", "io.voicecore.ai.api.LanguageModel")),
                List.of("contact-pii"), new Limits(2000, 4), List.of("openai-java"));

        PluginManifest manifest = parser.parse(FULL);

        assertEquals(expected, manifest);
        assertEquals(List.of("instanceUrl", "model", "maxTokens", "greeting", "enabled"),
                     List.copyOf(manifest.config().properties().keySet()), "config keeps the declared order");
        assertTrue(manifest.declares("storage"));
    }

    @Test
    void optionalSectionsDefaultToEmptyAndLimitsToTheirDefaults() {
        PluginManifest manifest = parser.parse(REQUIRED);

        assertEquals(List.of(), manifest.permissions());
        assertEquals(List.of(), manifest.routes());
        assertEquals(List.of(), manifest.streams());
        assertEquals(List.of(), manifest.publishes());
        assertEquals(List.of(), manifest.subscribes());
        assertEquals(List.of(), manifest.egressHosts());
        assertEquals(ConfigSchema.empty(), manifest.config());
        assertEquals(List.of(), manifest.exports());
        assertEquals(List.of(), manifest.requires());
        assertEquals(List.of(), manifest.dataClasses());
        assertEquals(new Limits(5000, 8), manifest.limits());
        assertEquals(new Limits(5000, 3), parser.parse(REQUIRED + "limits: {concurrency: 3}").limits());
    }

    // ----- document -----

    @Test
    void invalidYamlNamesTheLine() {
        assertOnlyError("id: crm\nname: [unclosed\n", "plugin.yaml", "is not valid YAML", "line 3");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertOnlyError(REQUIRED + "id: other\n", "plugin.yaml", "duplicate key id");
    }

    @Test
    void emptyDocumentAndNonMappingRootAreRefused() {
        assertOnlyError("", "plugin.yaml", "is empty");
        assertOnlyError("# only a comment\n", "plugin.yaml", "is empty");
        assertOnlyError("- id: crm\n", "plugin.yaml", "must be a mapping", "found a list");
    }

    @Test
    void oversizedManifestIsRefused() {
        assertOnlyError(REQUIRED + "#" + "x".repeat(ManifestParser.MAX_CHARACTERS) + "\n", "plugin.yaml", "the limit is 65536");
    }

    @Test
    void requiredFieldsAreEachReported() {
        List<FieldError> errors = errors("routes: [GET /a]\n");
        assertEquals(List.of("id", "name", "version", "vendor", "description", "main", "kernel"),
                     errors.stream().map(FieldError::field).toList());
        assertTrue(errors.stream().allMatch(e -> e.problem().equals("is required")), errors::toString);
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        List<FieldError> errors = errors("""
                id: Crm
                name: CRM
                version: "1.2"
                vendor: VoiceCore
                description: Contacts.
                main: CrmPlugin
                kernel: ">=0.1.0 <"
                permissions:
                  - {name: storage}
                routes: [get /contacts, GET contacts]
                limits: {timeoutMillis: 50}
                colour: blue
                """);
        assertEquals(List.of("colour", "id", "version", "main", "kernel", "permissions[0].reason", "routes[0].method",
                             "routes[1].path", "limits.timeoutMillis"),
                     errors.stream().map(FieldError::field).toList(), errors::toString);
    }

    @Test
    void unknownKeysAreRefusedWithASuggestion() {
        assertOnlyError(REQUIRED + "permisions: []\n", "permisions", "is not a known key", "did you mean 'permissions'?",
                        "allowed top-level keys: id, name, version");
        assertOnlyError(REQUIRED + "permissions: [{name: storage, reason: Tables., reasons: x}]\n", "permissions[0].reasons",
                        "did you mean 'reason'?", "allowed keys here: name, reason");
        assertOnlyError(REQUIRED + "events: {publish: [a.b]}\n", "events.publish", "did you mean 'publishes'?");
        assertOnlyError(REQUIRED + "egress: {host: [a.com]}\n", "egress.host", "did you mean 'hosts'?");
        assertOnlyError(REQUIRED + "services: {export: []}\n", "services.export", "did you mean 'exports'?");
        assertOnlyError(REQUIRED + "limits: {timeout: 100}\n", "limits.timeout", "allowed keys here: timeoutMillis, concurrency");
        assertOnlyError(REQUIRED + "config: {a: {type: string, defualt: x}}\n", "config.a.defualt", "did you mean 'default'?");
        assertOnlyError(REQUIRED + "services:\n  requires: [{plugin: ai, version: 1.0.0, service: a.B, optional: true}]\n"
                        + "permissions: [{name: services, reason: AI.}]\n",
                        "services.requires[0].optional", "allowed keys here: plugin, version, service");
    }

    // ----- identity -----

    @Test
    void idMustBeLowerCaseAndNotReserved() {
        assertOnlyError(REQUIRED.replace("id: crm", "id: Crm"), "id", "'Crm' is not a plugin id",
                        "2-40 lower-case letters, digits or '-'");
        assertOnlyError(REQUIRED.replace("id: crm", "id: c"), "id", "'c' is not a plugin id");
        assertOnlyError(REQUIRED.replace("id: crm", "id: 9crm"), "id", "starting with a letter");
        assertOnlyError(REQUIRED.replace("id: crm", "id: kernel"), "id", "'kernel' is reserved (api, api-keys, audit");
        assertOnlyError(REQUIRED.replace("id: crm", "id: plugins"), "id", "is reserved");
        assertOnlyError(REQUIRED.replace("id: crm", "id: api-keys"), "id", "is reserved");
        assertOnlyError(REQUIRED.replace("id: crm", "id: " + "a".repeat(41)), "id", "the limit is 40");
    }

    @Test
    void textFieldsMustBeNonBlankText() {
        assertOnlyError(REQUIRED.replace("name: CRM", "name: \"  \""), "name", "must not be blank");
        assertOnlyError(REQUIRED.replace("vendor: VoiceCore", "vendor: 42"), "vendor", "must be text, found a number (42)",
                        "put it in quotes");
        assertOnlyError(REQUIRED.replace("vendor: VoiceCore", "vendor: [a]"), "vendor", "must be text, found a list");
        assertOnlyError(REQUIRED.replace("description: Contacts, leads and deals.", "description: " + "d".repeat(2001)),
                        "description", "the limit is 2000");
    }

    @Test
    void versionMustBeSemantic() {
        assertOnlyError(REQUIRED.replace("version: 1.2.0", "version: \"1.2\""), "version", "'1.2' is not a semantic version",
                        "MAJOR.MINOR.PATCH");
        assertOnlyError(REQUIRED.replace("version: 1.2.0", "version: 1.2"), "version", "found a decimal number (1.2)");
        assertOnlyError(REQUIRED.replace("version: 1.2.0", "version: v1.2.0"), "version", "is not a semantic version");
        assertEquals("2.0.0-rc.1+build.5", parser.parse(REQUIRED.replace("version: 1.2.0", "version: 2.0.0-rc.1+build.5"))
                .version());
    }

    @Test
    void kernelMustBeAVersionRange() {
        assertOnlyError(REQUIRED.replace(">=0.1.0 <1.0.0", ">=0.1.0 <"), "kernel", "'>=0.1.0 <' is not a version range",
                        "e.g. '>=0.1.0 <1.0.0'");
        assertOnlyError(REQUIRED.replace(">=0.1.0 <1.0.0", "latest"), "kernel", "is not a version range");
        for (String range : List.of("^0.1.0", "~0.1", "0.x", ">=0.1.0 & <1.0.0", ">=0.1.0 || >=2.0.0", "0.1.0 - 0.9.0")) {
            assertEquals(range, parser.parse(REQUIRED.replace(">=0.1.0 <1.0.0", range)).kernel());
        }
    }

    @Test
    void versionRangeDecidesMembership() {
        VersionRange range = VersionRange.parse(">=0.1.0 <1.0.0");
        assertTrue(range.includes("0.1.0"));
        assertTrue(range.includes("0.9.9"));
        assertFalse(range.includes("1.0.0"));
        assertFalse(range.includes("0.0.9"));
        assertTrue(VersionRange.parse("^1.2.0").includes("1.9.0"));
        assertFalse(VersionRange.parse("^1.2.0").includes("2.0.0"));
        assertThrows(IllegalArgumentException.class, () -> range.includes("1.0"));
    }

    @Test
    void mainMustBeAQualifiedClassOutsidePlatformPackages() {
        assertOnlyError(REQUIRED.replace("main: io.voicecore.crm.CrmPlugin", "main: CrmPlugin"), "main",
                        "'CrmPlugin' is not a fully qualified Java class name", "a package is required");
        assertOnlyError(REQUIRED.replace("main: io.voicecore.crm.CrmPlugin", "main: io.voicecore.kernel.Evil"), "main",
                        "is in the package io.voicecore.kernel, which belongs to the platform");
        assertOnlyError(REQUIRED.replace("main: io.voicecore.crm.CrmPlugin", "main: java.lang.Evil"), "main",
                        "is in the package java");
    }

    // ----- permissions -----

    @Test
    void permissionsMustBeKnownOnceAndGiveAReason() {
        assertOnlyError(REQUIRED + "permissions: [{name: filesystem, reason: Reads files.}]\n", "permissions[0].name",
                        "'filesystem' is not a permission", "use one of events:publish, events:subscribe, http:egress,"
                                                            + " scheduler, scripts, secrets, services, storage, usage");
        assertOnlyError(REQUIRED + """
                permissions:
                  - {name: storage, reason: Tables.}
                  - {name: usage, reason: Bills.}
                  - {name: storage, reason: Again.}
                """, "permissions[2].name", "'storage' is already declared at permissions[0]");
        assertOnlyError(REQUIRED + "permissions: [{name: storage}]\n", "permissions[0].reason", "is required");
        assertOnlyError(REQUIRED + "permissions: [{name: storage, reason: \"\"}]\n", "permissions[0].reason", "must not be blank");
        assertOnlyError(REQUIRED + "permissions: [storage]\n", "permissions[0]", "is just 'storage'",
                        "{name: storage, reason:");
        assertOnlyError(REQUIRED + "permissions: {name: storage}\n", "permissions", "must be a list, found a mapping");
    }

    // ----- routes -----

    @Test
    void routesNeedAKnownMethodAndAWellFormedPath() {
        assertOnlyError(REQUIRED + "routes: [FETCH /contacts]\n", "routes[0].method", "'FETCH' is not a route method",
                        "use one of DELETE, GET, PATCH, POST, PUT (upper case)");
        assertOnlyError(REQUIRED + "routes: [get /contacts]\n", "routes[0].method", "'get' is not a route method");
        assertOnlyError(REQUIRED + "routes: [GET contacts]\n", "routes[0].path", "'contacts' must start with '/'");
        assertOnlyError(REQUIRED + "routes: [GET /Contacts]\n", "routes[0].path", "has the segment 'Contacts'",
                        "lower-case letters, digits, '-', '_' and '.'");
        assertOnlyError(REQUIRED + "routes: [GET /a/../b]\n", "routes[0].path", "has the segment '..'");
        assertOnlyError(REQUIRED + "routes: [GET /a//b]\n", "routes[0].path", "has an empty segment");
        assertOnlyError(REQUIRED + "routes: [GET /a/]\n", "routes[0].path", "must not end with '/'");
        assertOnlyError(REQUIRED + "routes: [\"GET /a/{id}/b/{id}\"]\n", "routes[0].path", "names the parameter {id} twice");
        assertOnlyError(REQUIRED + "routes: [GET]\n", "routes[0]", "'GET' is not a route", "e.g. 'GET /contacts/{id}'");
        assertOnlyError(REQUIRED + "routes:\n  - GET /contacts/{id}\n  - POST /contacts\n  - GET /contacts/{key}\n",
                        "routes[2]", "same method and path shape as routes[0]");
    }

    @Test
    void routesNeedNoPermission() {
        assertEquals(List.of(new Route("GET", "/"), new Route("PATCH", "/a.b/c_d/{x}")),
                     parser.parse(REQUIRED + "routes:\n  - GET /\n  - PATCH   /a.b/c_d/{x}\n").routes());
    }

    // ----- streams -----

    @Test
    void streamsAreWellFormedPathsEachShapeOnce() {
        assertEquals(List.of("/live", "/conversations/{id}/stream"),
                     parser.parse(REQUIRED + "streams: [/live, \"/conversations/{id}/stream\"]\n").streams());
        assertOnlyError(REQUIRED + "streams: [live]\n", "streams[0]", "'live' must start with '/'");
        assertOnlyError(REQUIRED + "streams: [GET /live]\n", "streams[0]", "'GET /live' must start with '/'");
        assertOnlyError(REQUIRED + "streams: [/live now]\n", "streams[0]", "has the segment 'live now'");
        assertOnlyError(REQUIRED + "streams: [/ok, /Live]\n", "streams[1]", "has the segment 'Live'");
        assertOnlyError(REQUIRED + "streams: [/a/]\n", "streams[0]", "must not end with '/'");
        assertOnlyError(REQUIRED + "streams: [42]\n", "streams[0]", "must be text, found a number");
        assertOnlyError(REQUIRED + "streams: /live\n", "streams", "must be a list");
        assertOnlyError(REQUIRED + "streams:\n  - /c/{id}/live\n  - /c\n  - /c/{key}/live\n",
                        "streams[2]", "same path shape as streams[0]");
        assertOnlyError(REQUIRED + "stream: [/live]\n", "stream", "did you mean 'streams'?");
    }

    @Test
    void aRouteMayStreamAndAskForItsOwnDeadline() {
        List<Route> routes = parser.parse(REQUIRED + """
                routes:
                  - GET /contacts
                  - {route: POST /contacts/import, stream: true, timeoutMillis: 300000}
                  - route: GET /contacts/export
                    stream: true
                  - {route: GET /plain, stream: false}
                """).routes();
        assertEquals(List.of(new Route("GET", "/contacts"), new Route("POST", "/contacts/import", true, Optional.of(300_000)),
                             new Route("GET", "/contacts/export", true, Optional.empty()), new Route("GET", "/plain")), routes);
    }

    @Test
    void aRouteMayBePublic() {
        List<Route> routes = parser.parse(REQUIRED + """
                routes:
                  - {route: POST /hooks/incoming, public: true}
                  - {route: GET /status, public: false}
                  - GET /private
                """).routes();
        assertEquals(List.of(new Route("POST", "/hooks/incoming", false, Optional.empty(), true), new Route("GET", "/status"),
                             new Route("GET", "/private")), routes);
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, public: yes}]\n", "routes[0].public", "must be true or false");
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, publc: true}]\n", "routes[0].publc", "is not a known key",
                        "did you mean 'public'?");
    }

    @Test
    void aStreamMayBePublic() {
        PluginManifest manifest = parser.parse(REQUIRED + """
                streams:
                  - {stream: /twilio/media, public: true}
                  - {stream: /status/live, public: false}
                  - /live
                """);
        assertEquals(List.of("/twilio/media", "/status/live", "/live"), manifest.streams());
        assertEquals(List.of("/twilio/media"), manifest.publicStreams());
        assertEquals(List.of("STREAM /twilio/media"), manifest.publicEndpoints());
        assertOnlyError(REQUIRED + "streams: [{stream: /a, public: yes}]\n", "streams[0].public", "must be true or false");
        assertOnlyError(REQUIRED + "streams: [{stream: /a, publik: true}]\n", "streams[0].publik", "is not a known key");
        assertOnlyError(REQUIRED + "streams: [{public: true}]\n", "streams[0].stream", "is required");
        assertOnlyError(REQUIRED + "streams: [{stream: a}]\n", "streams[0].stream", "must start with '/'");
    }

    @Test
    void onlyAStreamingRouteMayAskForItsOwnDeadlineWithinTheMaximum() {
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, timeoutMillis: 60000}]\n", "routes[0].timeoutMillis",
                        "applies only to a streaming route", "stream: true");
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, stream: true, timeoutMillis: 600001}]\n", "routes[0].timeoutMillis",
                        "must be between 100 and 600000");
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, stream: yes}]\n", "routes[0].stream", "must be true or false");
        assertOnlyError(REQUIRED + "routes: [{route: POST /a, strean: true}]\n", "routes[0].strean",
                        "is not a known key", "did you mean 'stream'?");
        assertOnlyError(REQUIRED + "routes: [{stream: true}]\n", "routes[0].route", "is required");
        assertOnlyError(REQUIRED + "routes: [{route: POST a, stream: true}]\n", "routes[0].path", "must start with '/'");
        assertOnlyError(REQUIRED + "routes:\n  - POST /a\n  - {route: POST /a, stream: true}\n", "routes[1]",
                        "same method and path shape as routes[0]");
        assertThrows(IllegalArgumentException.class, () -> new Route("POST", "/a", false, Optional.of(1000)));
    }

    @Test
    void routeParsesFromItsLine() {
        assertEquals(new Route("POST", "/contacts/{id}/notes"), Route.parse("POST /contacts/{id}/notes"));
        assertEquals("POST /contacts/{id}/notes", Route.parse(" POST  /contacts/{id}/notes ").text());
        assertEquals("GET /a/{}", Route.parse("GET /a/{id}").shape());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("OPTIONS /a")).getMessage()
                           .contains("'OPTIONS' is not a route method"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("GET /a b")).getMessage()
                           .contains("is not a route"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("GET /{1d}")).getMessage()
                           .contains("has the segment '{1d}'"));
    }

    // ----- events -----

    @Test
    void topicsMustBeDottedLowerCase() {
        String permissions = "permissions: [{name: events:publish, reason: Announces.}]\n";
        assertOnlyError(REQUIRED + permissions + "events: {publishes: [contact]}\n", "events.publishes[0]",
                        "'contact' must be dotted lower-case words, at least two");
        assertOnlyError(REQUIRED + permissions + "events: {publishes: [Crm.Contact]}\n", "events.publishes[0]", "dotted");
        assertOnlyError(REQUIRED + permissions + "events: {publishes: [a.b, a.b]}\n", "events.publishes[1]",
                        "'a.b' is already listed at events.publishes[0]");
    }

    @Test
    void publishingAndSubscribingNeedTheirPermissions() {
        assertOnlyError(REQUIRED + "events: {publishes: [crm.contact.created]}\n", "events.publishes",
                        "publishing events requires the permission 'events:publish'");
        assertOnlyError(REQUIRED + "events: {subscribes: [conversation.ended]}\n", "events.subscribes",
                        "subscribing to events requires the permission 'events:subscribe'");
        assertOnlyError(REQUIRED + "permissions: [{name: events:publish, reason: x}]\nevents: {subscribes: [a.b]}\n",
                        "events.subscribes", "requires the permission 'events:subscribe'");
    }

    // ----- egress -----

    private static final String EGRESS = "permissions: [{name: http:egress, reason: Calls out.}]\n";

    @Test
    void egressHostsAndHttpEgressGoTogether() {
        assertOnlyError(REQUIRED + "egress: {hosts: [api.openai.com]}\n", "egress.hosts",
                        "calling external hosts requires the permission 'http:egress'");
        assertOnlyError(REQUIRED + EGRESS, "egress.hosts", "lists no hosts, but the permission 'http:egress' is declared");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: []}\n", "egress.hosts", "lists no hosts");
    }

    @Test
    void hostsAreExactWildcardOrAConfiguredUrl() {
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"https://api.openai.com\"]}\n", "egress.hosts[0]",
                        "must be a host name only, without scheme, port or path");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"api.openai.com:443\"]}\n", "egress.hosts[0]", "without scheme, port");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [API.openai.com]}\n", "egress.hosts[0]", "in lower case");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"*.com\"]}\n", "egress.hosts[0]", "'*.com' is not a wildcard host",
                        "at least two labels");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"a.*.com\"]}\n", "egress.hosts[0]", "is not a host name");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [bad_host.com]}\n", "egress.hosts[0]", "is not a host name");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"${config.instanceUrl}\"]}\n", "egress.hosts[0]",
                        "names the configuration property 'instanceUrl', which config does not declare");
        assertOnlyError(REQUIRED + EGRESS + "egress: {hosts: [\"${config.model}\"]}\nconfig: {model: {type: string}}\n",
                        "egress.hosts[0]", "'model' of type string; only a property of type url can supply a host");
        assertEquals(List.of("localhost", "127.0.0.1", "*.example.co.uk", "${config.base}"),
                     parser.parse(REQUIRED + EGRESS + "egress: {hosts: [localhost, 127.0.0.1, \"*.example.co.uk\","
                                  + " \"${config.base}\"]}\nconfig: {base: {type: url}}\n").egressHosts());
    }

    // ----- config -----

    @Test
    void configPropertiesHaveAKnownTypeAndOnlyItsKeys() {
        assertOnlyError(REQUIRED + "config: {a: {type: number}}\n", "config.a.type", "'number' is not a property type",
                        "use one of string, integer, boolean, url, enum");
        assertOnlyError(REQUIRED + "config: {a: {required: true}}\n", "config.a.type", "is required");
        assertOnlyError(REQUIRED + "config: {a: {type: string, values: [x]}}\n", "config.a.values",
                        "applies only to type enum, not string; remove it");
        assertOnlyError(REQUIRED + "config: {a: {type: integer, pattern: x}}\n", "config.a.pattern", "applies only to type string");
        assertOnlyError(REQUIRED + "config: {a: {type: string, minimum: 1}}\n", "config.a.minimum", "applies only to type integer");
        assertOnlyError(REQUIRED + "config: {Bad-Name: {type: string}}\n", "config.Bad-Name", "is not a property name",
                        "lower camel case");
        assertOnlyError(REQUIRED + "config: {a: string}\n", "config.a", "must be a mapping", "found text 'string'");
        assertOnlyError(REQUIRED + "config: {a: {type: string, required: yes}}\n", "config.a.required",
                        "must be true or false, found text 'yes'");
    }

    @Test
    void enumNeedsValuesAndADefaultAmongThem() {
        assertOnlyError(REQUIRED + "config: {m: {type: enum}}\n", "config.m.values", "is required for type enum");
        assertOnlyError(REQUIRED + "config: {m: {type: enum, values: []}}\n", "config.m.values", "is empty");
        assertOnlyError(REQUIRED + "config: {m: {type: enum, values: [a, b], default: c}}\n", "config.m.default",
                        "'c' is not one of the values a, b");
        assertOnlyError(REQUIRED + "config: {m: {type: enum, values: [a, a]}}\n", "config.m.values[1]", "already listed");
        // YAML 1.1 would read these as booleans; the manifest reads them as text.
        assertEquals(List.of("on", "off", "yes", "no"),
                     parser.parse(REQUIRED + "config: {m: {type: enum, values: [on, off, yes, no], default: off}}\n")
                             .config().properties().get("m").values());
    }

    @Test
    void defaultsSatisfyTheirOwnTypeAndBounds() {
        assertOnlyError(REQUIRED + "config: {n: {type: integer, minimum: 1, maximum: 10, default: 11}}\n", "config.n.default",
                        "is 11, above the maximum 10");
        assertOnlyError(REQUIRED + "config: {n: {type: integer, minimum: 1, default: 0}}\n", "config.n.default",
                        "is 0, below the minimum 1");
        assertOnlyError(REQUIRED + "config: {n: {type: integer, default: \"5\"}}\n", "config.n.default",
                        "must be a whole number, found text '5'");
        assertOnlyError(REQUIRED + "config: {n: {type: integer, default: 2.5}}\n", "config.n.default",
                        "must be a whole number, found a decimal number");
        assertOnlyError(REQUIRED + "config: {n: {type: integer, minimum: 10, maximum: 1}}\n", "config.n.maximum",
                        "is 1, below the minimum 10");
        assertOnlyError(REQUIRED + "config: {s: {type: string, pattern: \"^[a-z]+$\", default: Hello}}\n", "config.s.default",
                        "'Hello' does not match the pattern ^[a-z]+$");
        assertOnlyError(REQUIRED + "config: {s: {type: string, pattern: \"[a-\"}}\n", "config.s.pattern",
                        "is not a Java regular expression");
        assertOnlyError(REQUIRED + "config: {b: {type: boolean, default: yes}}\n", "config.b.default",
                        "must be true or false, found text 'yes'");
        assertOnlyError(REQUIRED + "config: {u: {type: url, default: \"ftp://files.example.com\"}}\n", "config.u.default",
                        "is not an absolute http or https URL");
        assertOnlyError(REQUIRED + "config: {u: {type: url, default: example.com}}\n", "config.u.default", "absolute http");
        assertOnlyError(REQUIRED + "config: {s: {type: string, required: true, default: x}}\n", "config.s.default",
                        "a required property has no default");
        assertEquals(Optional.of("https://x.example.com/api"),
                     parser.parse(REQUIRED + "config: {u: {type: url, default: \"https://x.example.com/api\"}}\n")
                             .config().properties().get("u").defaultValue());
    }

    // ----- services -----

    private static final String SERVICES = "permissions: [{name: services, reason: Uses the AI gateway.}]\n";

    @Test
    void requiringServicesNeedsThePermission() {
        assertOnlyError(REQUIRED + "services:\n  requires: [{plugin: ai-gateway, version: \"^1.0.0\", service: a.b.Llm}]\n",
                        "services.requires", "using other plugins' services requires the permission 'services'");
        assertEquals(List.of("io.voicecore.crm.api.ContactDirectory"),
                     parser.parse(REQUIRED + "services: {exports: [io.voicecore.crm.api.ContactDirectory]}\n").exports(),
                     "exporting needs no permission");
    }

    @Test
    void requirementsNameAnotherPluginARangeAndAService() {
        assertOnlyError(REQUIRED + SERVICES + "services:\n  requires: [{plugin: ai-gateway, version: \"^1.0.0\"}]\n",
                        "services.requires[0].service", "is required");
        assertOnlyError(REQUIRED + SERVICES + "services:\n  requires: [{plugin: ai-gateway, version: latest, service: a.b.L}]\n",
                        "services.requires[0].version", "'latest' is not a version range");
        assertOnlyError(REQUIRED + SERVICES + "services:\n  requires: [{plugin: crm, version: \"^1.0.0\", service: a.b.L}]\n",
                        "services.requires[0].plugin", "is this plugin itself");
        assertOnlyError(REQUIRED + SERVICES + "services:\n  requires: [{plugin: AI, version: \"^1.0.0\", service: a.b.L}]\n",
                        "services.requires[0].plugin", "'AI' is not a plugin id");
        assertOnlyError(REQUIRED + SERVICES + """
                services:
                  requires:
                    - {plugin: ai, version: "^1.0.0", service: a.b.L}
                    - {plugin: ai2, version: "^1.0.0", service: a.b.L}
                """, "services.requires[1].service", "'a.b.L' is already required at services.requires[0]");
        assertOnlyError(REQUIRED + "services: {exports: [io.voicecore.sdk.Plugin]}\n", "services.exports[0]",
                        "is in the package io.voicecore.sdk");
        assertOnlyError(REQUIRED + "services: {exports: [Directory]}\n", "services.exports[0]", "not a fully qualified");
    }

    // ----- data classes and limits -----

    @Test
    void dataClassesAreLowerCaseWords() {
        assertOnlyError(REQUIRED + "dataClasses: [Contact PII]\n", "dataClasses[0]", "'Contact PII' must be 1-40 lower-case");
        assertEquals(List.of("contact-pii", "call-audio"), parser.parse(REQUIRED + "dataClasses: [contact-pii, call-audio]\n")
                .dataClasses());
    }

    @Test
    void limitsStayWithinTheirBounds() {
        assertOnlyError(REQUIRED + "limits: {timeoutMillis: 99}\n", "limits.timeoutMillis",
                        "is 99; it must be between 100 and 30000 (default 5000)");
        assertOnlyError(REQUIRED + "limits: {timeoutMillis: 30001}\n", "limits.timeoutMillis", "between 100 and 30000");
        assertOnlyError(REQUIRED + "limits: {concurrency: 0}\n", "limits.concurrency", "between 1 and 64 (default 8)");
        assertOnlyError(REQUIRED + "limits: {concurrency: 65}\n", "limits.concurrency", "between 1 and 64");
        assertOnlyError(REQUIRED + "limits: {concurrency: \"8\"}\n", "limits.concurrency", "must be a whole number");
        assertOnlyError(REQUIRED + "limits: {concurrency: 99999999999999999999}\n", "limits.concurrency", "too large");
        assertEquals(new Limits(100, 64), parser.parse(REQUIRED + "limits: {timeoutMillis: 100, concurrency: 64}\n").limits());
    }

    @Test
    void yamlTrapsStayText() {
        PluginManifest manifest = parser.parse(REQUIRED.replace("description: Contacts, leads and deals.",
                                                                "description: 2024-01-01"));
        assertEquals("2024-01-01", manifest.description(), "no timestamps");
        assertOnlyError(REQUIRED + "limits: {timeoutMillis: 0777}\n", "limits.timeoutMillis", "found text '0777'");
        assertOnlyError(REQUIRED + "limits:\n  timeoutMillis: 1:30\n", "limits.timeoutMillis", "found text '1:30'");
        assertOnlyError(REQUIRED + "<<: {name: x}\n", "<<", "is not a known key");
        assertOnlyError(REQUIRED + "extra: !!binary aGVsbG8=\n", "extra", "is not a known key");
    }

    @Test
    void exceptionBecomesAValidationProblem() {
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(REQUIRED.replace("id: crm", "id: X")));
        ApiException.Validation problem = e.toApiException();
        assertEquals(422, problem.status());
        assertEquals(List.of("plugin.yaml:id"), problem.errors().stream().map(ApiException.FieldError::field).toList());
        assertTrue(e.getMessage().startsWith("plugin.yaml is invalid: id: 'X' is not a plugin id"), e.getMessage());
    }

    // ----- helpers -----

    @Test
    void openApiNamesADocumentInTheJar() {
        assertEquals(java.util.Optional.empty(), parser.parse(REQUIRED).openApi());
        assertEquals(java.util.Optional.of("api/openapi.yaml"), parser.parse(REQUIRED + "openapi: api/openapi.yaml\n").openApi());
        assertOnlyError(REQUIRED + "openapi: ../openapi.yaml\n", "openapi", "'../openapi.yaml'", "ending in '.yaml', '.yml' or '.json'");
        assertOnlyError(REQUIRED + "openapi: openapi.txt\n", "openapi", "the path of the plugin's OpenAPI document in the jar");
    }

    private List<FieldError> errors(String yaml) {
        return assertThrows(ManifestException.class, () -> parser.parse(yaml), "expected the manifest to be refused").errors();
    }

    /** The manifest has exactly one error, on {@code field}, whose message contains every fragment. */
    private void assertOnlyError(String yaml, String field, String... fragments) {
        List<FieldError> errors = errors(yaml);
        String all = errors.stream().map(e -> e.field() + ": " + e.problem()).collect(Collectors.joining("\n"));
        assertEquals(1, errors.size(), all);
        assertEquals(field, errors.get(0).field(), all);
        for (String fragment : fragments) {
            assertTrue(errors.get(0).problem().contains(fragment), "'" + fragment + "' not in: " + all);
        }
    }
}
