package io.voicecore.kernel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.observe.KernelLogManager;
import io.voicecore.kernel.observe.Logging;

/**
 * Command-line entry: {@code voicecore start [--port N] [--config FILE] [--data DIR]} serves the platform;
 * {@code voicecore migrate [--config FILE] [--data DIR]} applies the database migrations of the kernel and of the
 * extensions on the class path, then exits (0 when done, 1 when they failed).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before anything logs, so the JDK's own shutdown hook cannot close the log handlers under us.
        System.setProperty("java.util.logging.manager", KernelLogManager.class.getName());
        KernelConfig config;
        Command command;
        try {
            command = command(args);
            config = parse(args);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("voicecore: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logging.configure(config.logFormat());
        if (command == Command.MIGRATE) {
            System.exit(migrate(config));
            return;
        }
        Kernel kernel;
        try {
            kernel = Kernel.start(config, System.out);
        } catch (RuntimeException e) {
            System.err.println("voicecore: could not start: " + e.getMessage());
            java.util.logging.Logger.getLogger(Main.class.getName()).log(java.util.logging.Level.SEVERE, "Start-up failed", e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kernel.close();
            KernelLogManager.resetFinally();
            stopped.countDown();
        }, "voicecore-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the command line asks for; {@code start} when it names no command. */
    enum Command { START, MIGRATE }

    static Command command(String[] args) {
        return args.length > 0 && args[0].equals("migrate") ? Command.MIGRATE : Command.START;
    }

    /** Applies the migrations and says so; @return the process's exit status */
    private static int migrate(KernelConfig config) {
        try {
            String database = Kernel.migrate(config, KernelServices.discoverExtensions());
            System.out.println("voicecore: migrations applied to " + database);
            return 0;
        } catch (RuntimeException e) {
            System.err.println("voicecore: migrations failed: " + e.getMessage());
            java.util.logging.Logger.getLogger(Main.class.getName()).log(java.util.logging.Level.SEVERE, "Migrations failed", e);
            return 1;
        }
    }

    static KernelConfig parse(String[] args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        Optional<Path> file = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "start" -> { }
                case "migrate" -> {
                    if (i != 0) {
                        throw new IllegalArgumentException("'migrate' must come first: voicecore migrate [--config FILE] [--data DIR]");
                    }
                }
                case "--port" -> overrides.put("port", value(args, ++i, arg));
                case "--data" -> overrides.put("data", value(args, ++i, arg));
                case "--config" -> file = Optional.of(Path.of(value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("unknown argument '" + arg
                                                              + "'; usage: voicecore start [--port N] [--config FILE] [--data DIR]"
                                                              + " or voicecore migrate [--config FILE] [--data DIR]");
            }
        }
        return ConfigLoader.load(file, System.getenv(), overrides);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
