package io.voicecore.voice;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;

/**
 * One real kernel with the packaged core plugins a tenant needs for phone calls (the AI gateway offline, the
 * receptionist, the CRM and this plugin), installed and enabled as a tenant admin would, and helpers to read what a call
 * left behind.
 */
final class VoiceKernel implements AutoCloseable {
    static final Path VOICE = Path.of(System.getProperty("plugin.jar", "target/voice-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path RECEPTIONIST = Path.of(System.getProperty("receptionist.plugin.jar",
                                                                "../receptionist/target/receptionist-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path CRM = Path.of(System.getProperty("crm.plugin.jar", "../crm/target/crm-plugin-0.1.0-SNAPSHOT.jar"));
    static final Path GATEWAY = Path.of(System.getProperty("ai-gateway.plugin.jar", "../ai-gateway/target/ai-gateway-plugin-0.1.0-SNAPSHOT.jar"));
    static final List<String> VOICE_GRANTS = List.of("storage", "secrets", "usage", "services", "scheduler", "http:egress",
                                                     "scripts");

    final TestKernel kernel;
    final String admin;
    /** The kernel's clock: real time, moved on by the tests to make scheduled jobs due. */
    final OffsetClock clock = new OffsetClock();

    VoiceKernel() {
        for (Path jar : List.of(VOICE, RECEPTIONIST, CRM, GATEWAY)) {
            assertTrue(Files.isRegularFile(jar), "built by the reactor before this module's integration tests: " + jar);
        }
        // Twilio posts a call's webhooks from a few addresses; the tests post many from one.
        kernel = TestKernel.builder().clock(clock).set("rate-limit.per-minute", "100000").start();
        admin = kernel.adminToken();
        for (Path jar : List.of(GATEWAY, RECEPTIONIST, CRM, VOICE)) {
            HttpResult installed = install(kernel, jar);
            assertEquals(201, installed.status(), installed.body());
        }
    }

    /**
     * A tenant as its admin sets it up for calls: the gateway, the receptionist (Spanish first), the CRM (Spanish numbers)
     * and the voice plugin with its Twilio auth token.
     */
    void tenant(String slug, String authToken, Map<String, Object> voiceConfig) {
        kernel.createTenant(slug);
        assertEquals(200, enable(kernel, slug, "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
        assertEquals(200, enable(kernel, slug, "receptionist", List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts"))
                .status());
        assertEquals(200, enable(kernel, slug, "crm", List.of("storage", "events:publish", "events:subscribe")).status());
        HttpResult voice = enable(kernel, slug, "voice", VOICE_GRANTS);
        assertEquals(200, voice.status(), voice.body());
        ok(kernel.put("/api/v1/tenants/" + slug + "/plugins/crm/config", admin, Map.of("defaultCountryCode", "34")));
        receptionist(slug, "Mon-Sun 00:00-24:00");
        HttpResult secret = kernel.put("/api/v1/tenants/" + slug + "/plugins/voice/secrets/twilio.auth-token", admin, Map.of("value", authToken));
        assertEquals(204, secret.status(), secret.body());
        ok(kernel.put("/api/v1/tenants/" + slug + "/plugins/voice/config", admin, voiceConfig));
    }

    /** The receptionist's personality: Ava at Clínica Sol, Spanish then English, Madrid, these opening hours. */
    void receptionist(String slug, String businessHours) {
        receptionist(slug, businessHours, "es,en");
    }

    /** The same, offering these languages, the first one first. */
    void receptionist(String slug, String businessHours, String languages) {
        ok(kernel.put("/api/v1/tenants/" + slug + "/plugins/receptionist/config", admin,
                      Map.of("assistantName", "Ava", "businessName", "Clínica Sol", "languages", languages, "businessHours", businessHours,
                             "timeZone", "Europe/Madrid")));
    }

    String incomingUrl(String slug) {
        return kernel.uri("/api/v1/tenants/" + slug + "/voice/twilio/incoming").toString();
    }

    String url(String slug, String route) {
        return kernel.uri("/api/v1/tenants/" + slug + "/voice" + route).toString();
    }

    /** The CRM contact with this phone number, once the CRM recorded the call (the event bus is asynchronous). */
    JsonNode awaitContact(String slug, String phone) throws InterruptedException {
        return await(Duration.ofSeconds(30), "a CRM contact with " + phone, () -> {
            HttpResult found = kernel.get("/api/v1/tenants/" + slug + "/crm/contacts?q=" + URLEncoder.encode(phone, StandardCharsets.UTF_8), admin);
            assertEquals(200, found.status(), found.body());
            return found.json().get("items").size() > 0 ? found.json().get("items").get(0) : null;
        });
    }

    /** The interactions on a contact's timeline, newest first, once there is at least one. */
    JsonNode awaitInteractions(String slug, String contactId) throws InterruptedException {
        return await(Duration.ofSeconds(30), "an interaction on contact " + contactId, () -> {
            HttpResult timeline = kernel.get("/api/v1/tenants/" + slug + "/crm/contacts/" + contactId + "/interactions", admin);
            assertEquals(200, timeline.status(), timeline.body());
            return timeline.json().get("items").size() > 0 ? timeline.json().get("items") : null;
        });
    }

    JsonNode conversation(String slug, String id) {
        HttpResult read = kernel.get("/api/v1/tenants/" + slug + "/receptionist/conversations/" + id, admin);
        assertEquals(200, read.status(), read.body());
        return read.json();
    }

    /** The quantity the tenant's usage shows on one of the voice plugin's meters, 0 when none. */
    long usage(String slug, String meter) {
        HttpResult usage = kernel.get("/api/v1/tenants/" + slug + "/usage", admin);
        assertEquals(200, usage.status(), usage.body());
        for (JsonNode total : usage.json().get("totals")) {
            if (total.get("plugin").asText().equals("voice") && total.get("meter").asText().equals(meter)) {
                return total.get("quantity").asLong();
            }
        }
        return 0;
    }

    /** A count from the database, as its owner: what a refused request must not have created. */
    long count(String sql, Object... params) {
        try (Connection connection = kernel.ownerConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the plugin's last webhook of a call {@code ago} old, as if Twilio had gone quiet since. */
    void lastHeardOf(String callSid, Duration ago) {
        try (Connection connection = kernel.ownerConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE plugin_voice.calls SET updated_at = now() - make_interval(secs => ?) WHERE call_sid = ?")) {
            statement.setDouble(1, ago.toSeconds());
            statement.setString(2, callSid);
            assertEquals(1, statement.executeUpdate(), "no call " + callSid);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lets the sweep find a call quiet for {@code ago}: marks it last heard of then and moves the clock on a minute, so
     * the sweep's next run is due; again every few seconds while the call is not over (a run can come before the
     * mark, or a turn still being written can move the mark), until {@code limit}.
     */
    void sweepUntilOver(String callSid, Duration ago, Duration limit) throws InterruptedException {
        lastHeardOf(callSid, ago);
        clock.advance(Duration.ofMinutes(1));
        await(limit, "the sweep ending call " + callSid, () -> {
            if (count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = '" + callSid + "' AND state = 'ended'") == 1) {
                return Boolean.TRUE;
            }
            Thread.sleep(3_000);
            try (Connection connection = kernel.ownerConnection();
                 PreparedStatement statement = connection.prepareStatement("UPDATE plugin_voice.calls SET updated_at = now() - "
                         + "make_interval(secs => ?) WHERE call_sid = ? AND state <> 'ended'")) {
                statement.setDouble(1, ago.toSeconds());
                statement.setString(2, callSid);
                statement.executeUpdate();
            }
            clock.advance(Duration.ofMinutes(1));
            return null;
        });
    }

    /** The conversation id of a call, as the voice plugin keeps it. */
    String conversationOf(String callSid) {
        try (Connection connection = kernel.ownerConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT conversation_id FROM plugin_voice.calls WHERE call_sid = ?")) {
            statement.setString(1, callSid);
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next(), "no call " + callSid);
                return rows.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void ok(HttpResult result) {
        assertEquals(200, result.status(), result.body());
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T await(Duration limit, String what, Probe<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            T found;
            try {
                found = probe.get();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + limit);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        kernel.close();
    }

    /** Real time plus an offset the tests move on. */
    static final class OffsetClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the kernel reads instants only");
        }
    }
}
