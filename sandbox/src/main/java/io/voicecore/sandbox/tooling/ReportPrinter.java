package io.voicecore.sandbox.tooling;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Prints a review report in the JSON form the marketplace serves ({@code ReviewReport.toJson()}) as text: a line per
 * section, and under a failed section each of its findings; under the {@code verifier} and {@code compatibility}
 * sections, the class, method and API of each violation.
 */
final class ReportPrinter {
    private ReportPrinter() {
    }

    static void print(JsonNode report, PrintStream out) {
        for (JsonNode section : report.path("sections")) {
            String outcome = section.path("outcome").asText();
            out.printf("  %-14s %-8s %s%n", section.path("name").asText(), outcome, section.path("summary").asText());
            if (outcome.equals("failed") || outcome.equals("warning")) {
                for (JsonNode finding : section.path("findings")) {
                    out.println("      - " + describe(finding));
                }
            }
        }
        out.println("Outcome: " + report.path("outcome").asText() + switch (report.path("outcome").asText()) {
            case "clean" -> " (every check passed)";
            case "needs-review" -> " (no check failed; a reviewer looks at the warnings)";
            default -> " (a check failed: fix what it found and build again)";
        });
    }

    /** A finding on one line: a violation as class, method and API; anything else as its members. */
    static String describe(JsonNode finding) {
        if (finding.has("class") && finding.has("method") && finding.has("api")) {
            return (finding.has("sdk") ? "SDK " + finding.path("sdk").asText() + ": " : "") + "class " + finding.path("class").asText()
                   + ", method " + finding.path("method").asText() + ", API " + finding.path("api").asText() + ": "
                   + finding.path("reason").asText();
        }
        List<String> members = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = finding.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            members.add(field.getKey() + ": " + (field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString()));
        }
        return String.join(", ", members);
    }
}
