package io.voicecore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The parts of the {@code crm} scenario that need no kernel: its searches, bodies, SQL and the baseline's loop. */
class CrmContactsScenarioTest {

    @Test
    void theScenarioIsRegisteredUnderItsName() {
        assertTrue(BenchMain.scenarios().containsKey("crm"), BenchMain.scenarios().keySet().toString());
        assertEquals("crm", BenchMain.scenarios().get("crm").get().name());
    }

    @Test
    void everyClientsSearchFindsExactlyOneGeneratedContact() throws IOException {
        int contacts = 5_000;
        List<String> emails = new ArrayList<>();
        try (BufferedReader csv = new BufferedReader(new InputStreamReader(new GeneratedContacts(contacts), StandardCharsets.UTF_8))) {
            csv.readLine();
            for (String row = csv.readLine(); row != null; row = csv.readLine()) {
                emails.add(row.split(",")[1]);
            }
        }
        for (int client = 0; client < CrmContactsScenario.CONNECTIONS; client++) {
            String term = CrmContactsScenario.searchTerm(client, contacts);
            assertEquals(1, emails.stream().filter(email -> email.startsWith(term)).count(), term);
        }
        for (int client = 0; client < CrmContactsScenario.CONNECTIONS; client++) {
            int number = Integer.parseInt(CrmContactsScenario.searchTerm(client, 100_000).substring("contact".length()));
            assertTrue(number >= 10_000 && number < 100_000, "no longer number starts with " + number);
        }
    }

    @Test
    void theCreateBodyIsAContactOfItsClient() throws IOException {
        JsonNode body = new ObjectMapper().readTree(CrmContactsScenario.createBody(7));
        assertEquals("Bench Client 7", body.get("name").asText());
        assertEquals("+34710000007", body.get("phones").get(0).asText());
        assertEquals("client7@bench.example", body.get("emails").get(0).asText());
    }

    @Test
    void theSearchIsBoundAsThePluginBindsItAndInlinedOnlyWithEveryParameter() {
        assertEquals(List.of("contact4217", "contact4218", "contact4217:*", CrmContactsScenario.PAGE + 1),
                     CrmContactsScenario.searchParameters("contact4217"));
        assertEquals(List.of("contact9", "contact:", "contact9:*", CrmContactsScenario.PAGE + 1), CrmContactsScenario.searchParameters("contact9"));
        long pluginMarks = CrmContactsScenario.PLUGIN_SEARCH.chars().filter(c -> c == '?').count();
        assertEquals(4, pluginMarks);
        assertEquals(pluginMarks + 2, CrmContactsScenario.BARE_SEARCH.chars().filter(c -> c == '?').count());
        assertEquals("SELECT 'it''s', 5 WHERE 'x' = 'x'", CrmContactsScenario.inline("SELECT ?, ? WHERE ? = 'x'", List.of("it's", 5, "x")));
        assertThrows(IllegalArgumentException.class, () -> CrmContactsScenario.inline("SELECT ?, ?", List.of(1)));
    }

    @Test
    void theBaselinesLoopCallsEachWorkerAgainUntilTheTimeIsUpAndRecordsEveryCall() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<CallLoad.Call> calls = new ArrayList<>();
        for (int worker = 0; worker < 3; worker++) {
            int id = worker;
            calls.add(iteration -> {
                seen.add(id + ":" + iteration);
                Thread.sleep(2);
            });
        }
        HttpLoad.Result result = CallLoad.closedLoop(calls, 0.2);
        assertEquals(seen.size(), result.completed());
        assertEquals(seen.size(), result.sortedLatencyNanos().length);
        for (int worker = 0; worker < 3; worker++) {
            assertTrue(seen.contains(worker + ":0") && seen.contains(worker + ":1"), seen.toString());
        }
        long[] latencies = result.sortedLatencyNanos();
        for (int i = 1; i < latencies.length; i++) {
            assertTrue(latencies[i - 1] <= latencies[i]);
        }
    }

    @Test
    void aFailingBaselineCallFailsTheRun() {
        List<CallLoad.Call> calls = List.of(iteration -> {
            if (iteration == 2) {
                throw new IllegalStateException("row 2 refused");
            }
        });
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> CallLoad.closedLoop(calls, 0.2));
        assertTrue(failed.getMessage().contains("row 2 refused"), failed.getMessage());
    }
}
