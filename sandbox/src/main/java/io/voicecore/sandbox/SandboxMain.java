package io.voicecore.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.voicecore.kernel.observe.KernelLogManager;
import io.voicecore.kernel.observe.Logging;

/**
 * {@code ./voicecore sandbox --plugin DIR [--port N] [--seed S] [--contacts N] [--online-ai]}: runs the plugin project in
 * DIR (its newest built jar in {@code DIR/target}) in a throw-away kernel until interrupted (see {@link Sandbox}). The
 * launcher passes {@code --root <repository>} first, where the core plugins' jars are ({@code plugins/}).
 */
public final class SandboxMain {
    static final String USAGE = "usage: ./voicecore sandbox --plugin DIR [--port N] [--seed S] [--contacts N] [--online-ai]";

    private SandboxMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", KernelLogManager.class.getName());
        Sandbox.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("voicecore sandbox: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Logging.configure("text");
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(options, System.out);
        } catch (SandboxException e) {
            System.err.println("voicecore sandbox: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("voicecore sandbox: could not start: " + e.getMessage());
            java.util.logging.Logger.getLogger(SandboxMain.class.getName()).log(java.util.logging.Level.SEVERE, "Sandbox start-up failed", e);
            System.exit(1);
            return;
        }
        sandbox.describe(System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            KernelLogManager.resetFinally();
            stopped.countDown();
        }, "sandbox-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Sandbox.Options parse(String[] args) {
        Path root = Path.of(".");
        Path plugin = null;
        int port = 0;
        long seed = 42;
        int contacts = 240;
        boolean onlineAi = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(value(args, ++i, "--root"));
                case "--plugin" -> plugin = Path.of(value(args, ++i, "--plugin"));
                case "--port" -> port = number(value(args, ++i, "--port"), "--port", 0, 65535);
                case "--seed" -> seed = number(value(args, ++i, "--seed"), "--seed", Long.MIN_VALUE, Long.MAX_VALUE);
                case "--contacts" -> contacts = number(value(args, ++i, "--contacts"), "--contacts", 0, 100_000);
                case "--online-ai" -> onlineAi = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (plugin == null) {
            throw new IllegalArgumentException("--plugin DIR is required: the plugin's Maven project");
        }
        if (!Files.isDirectory(plugin)) {
            throw new IllegalArgumentException("--plugin " + plugin + " is not a folder");
        }
        return new Sandbox.Options(plugin.toAbsolutePath().normalize(), root.toAbsolutePath().normalize().resolve("plugins"), port, seed,
                                   contacts, onlineAi);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int number(String text, String option, long min, long max) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longNumber(text, option, min, max)));
    }

    private static long longNumber(String text, String option, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(option + " must be from " + min + " to " + max + ", not " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + text + "'");
        }
    }
}
