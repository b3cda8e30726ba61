package io.voicecore.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code ./voicecore bench [--quick] [--out FILE] [scenario...]}: runs benchmarks against an in-process kernel. */
public final class BenchMain {
    private BenchMain() {
    }

    /** Every scenario, in the order a run without names runs them. Add new ones here. */
    static Map<String, Supplier<Scenario>> scenarios() {
        Map<String, Supplier<Scenario>> scenarios = new LinkedHashMap<>();
        scenarios.put(CrmImportScenario.NAME, CrmImportScenario::new);
        scenarios.put(PluginRouteScenario.NAME, PluginRouteScenario::new);
        scenarios.put(LicensedRouteScenario.NAME, LicensedRouteScenario::new);
        scenarios.put(ScriptRouteScenario.NAME, ScriptRouteScenario::new);
        scenarios.put(StartupScenario.NAME, StartupScenario::new);
        scenarios.put(TenantsScenario.NAME, TenantsScenario::new);
        scenarios.put(EventsScenario.NAME, EventsScenario::new);
        scenarios.put(EgressAuditScenario.NAME, EgressAuditScenario::new);
        scenarios.put(CrmContactsScenario.NAME, CrmContactsScenario::new);
        scenarios.put(LedgerVerifyScenario.NAME, LedgerVerifyScenario::new);
        scenarios.put(PurchasesScenario.NAME, PurchasesScenario::new);
        scenarios.put(VoiceScenario.NAME, () -> new VoiceScenario(true));
        scenarios.put(VoiceScenario.STREAMS_NAME, () -> new VoiceScenario(false));
        scenarios.put(SoakScenario.NAME, SoakScenario::new);
        return scenarios;
    }

    public static void main(String[] args) {
        // The kernel's start-up and request logs would bury the progress lines; warnings still show.
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (Handler handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        try {
            new BenchRunner(scenarios(), System.out).run(BenchOptions.parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("voicecore bench: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("voicecore bench: failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
        // The kernel's pools may leave non-daemon threads behind; the run is over.
        System.exit(0);
    }
}
