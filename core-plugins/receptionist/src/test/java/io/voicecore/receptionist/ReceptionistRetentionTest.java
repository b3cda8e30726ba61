package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;

/** The nightly job deletes transcripts older than the tenant's retention, and only those. */
class ReceptionistRetentionTest {
    @Test
    void theRetentionJobDeletesTranscriptsOlderThanTheRetention() {
        try (PluginTestKit kit = PluginTestKit.builder(Path.of("target/classes")).withPlugin(ReceptionistConversationsTest.GATEWAY).config(Json.object().put("retentionDays", 30).build()).start()) {
            String ended = kit.post("/conversations", Json.object().build()).json().get("id").asString();
            kit.post("/conversations/" + ended + "/messages", Json.object().put("text", "My name is Ann Lee").build());
            assertEquals(200, kit.post("/conversations/" + ended + "/end", Json.object().build()).status());
            String open = kit.post("/conversations", Json.object().build()).json().get("id").asString();

            kit.runJob(ReceptionistPlugin.RETENTION_JOB);
            assertEquals(200, kit.get("/conversations/" + ended).status(), "a fresh transcript is within 30 days");
            assertEquals(200, kit.get("/conversations/" + open).status());

            kit.setConfig(Json.object().put("retentionDays", 0).build());
            kit.runJob(ReceptionistPlugin.RETENTION_JOB);
            assertEquals(404, kit.get("/conversations/" + ended).status());
            assertEquals(404, kit.get("/conversations/" + open).status());
        }
    }
}
