package io.voicecore.sandbox.tooling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A command's arguments: positional ones, options with a value ({@code --dir DIR}) and flags ({@code --json}). */
final class Arguments {
    private final String command;
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags;

    /**
     * @param command   the command, for messages
     * @param args      what follows it
     * @param withValue the options that take a value, e.g. {@code --dir}
     * @param flags     the options that take none, e.g. {@code --json}
     * @throws ToolFailure for an unknown option or one without its value
     */
    Arguments(String command, List<String> args, Set<String> withValue, Set<String> flags) {
        this.command = command;
        this.flags = new java.util.HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (withValue.contains(arg)) {
                if (i + 1 >= args.size() || args.get(i + 1).isBlank()) {
                    throw ToolFailure.usage("plugin " + command + ": " + arg + " needs a value");
                }
                options.put(arg, args.get(++i));
            } else if (flags.contains(arg)) {
                this.flags.add(arg);
            } else if (arg.startsWith("--")) {
                throw ToolFailure.usage("plugin " + command + ": unknown option " + arg + " (run ./voicecore plugin for the usage)");
            } else {
                positional.add(arg);
            }
        }
    }

    /** The only positional argument, named {@code what} in the message when it is missing or not alone. */
    String single(String what) {
        if (positional.size() != 1) {
            throw ToolFailure.usage("plugin " + command + ": expected one " + what + (positional.isEmpty() ? "" : ", got " + positional));
        }
        return positional.getFirst();
    }

    /** Fails when any positional argument was given. */
    void noPositional() {
        if (!positional.isEmpty()) {
            throw ToolFailure.usage("plugin " + command + ": takes only options, got " + positional);
        }
    }

    /** The single positional argument as a file that must exist. */
    Path existingFile(String what) {
        Path file = Path.of(single(what));
        if (!Files.isRegularFile(file)) {
            throw ToolFailure.usage("plugin " + command + ": no file " + file);
        }
        return file;
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    String required(String name) {
        return option(name).orElseThrow(() -> ToolFailure.usage("plugin " + command + ": " + name + " is required"));
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
