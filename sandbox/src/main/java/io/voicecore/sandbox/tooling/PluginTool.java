package io.voicecore.sandbox.tooling;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code ./voicecore plugin ...}: a plugin developer's commands, from a new project to a marketplace submission. The
 * launcher calls it with {@code --root <checkout>} first. Every error is one line on standard error; the exit status is
 * 0 when the command did its work, 1 when it found a reason to refuse (a review finding, a marketplace refusal) and 2
 * for wrong arguments.
 */
public final class PluginTool {
    static final String USAGE = """
            usage: ./voicecore plugin COMMAND ...
              new NAME [--dir DIR]                    write a standalone Maven plugin project in DIR/NAME (DIR: the current folder)
              verify JAR [--json]                     the marketplace's automated review of a plugin jar; exits 1 on a finding
              keygen --keystore KS --alias A [--storepass P] [--dname DN]
                                                      make a publisher signing key (Ed25519) and print its certificate to register
              sign JAR --keystore KS --alias A [--storepass P]
                                                      sign the jar with jarsigner, as the marketplace expects
              submit JAR --marketplace URL --key PUBLISHER_KEY [--publisher SLUG]
                                                      upload the signed jar for review and print the report
                                                      (the publisher: the one the key belongs to, unless named)
            docs/plugin-developer-guide.md, "Start here", walks through them.""";

    private final Path root;
    private final PrintStream out;

    PluginTool(Path root, PrintStream out) {
        this.root = root;
        this.out = out;
    }

    public static void main(String[] args) {
        // The kernel classes the review runs log what a server operator wants to know; a developer wants the report.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs a command line ({@code --root DIR COMMAND ...}) and answers its exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (args.size() < 2 || !args.get(0).equals("--root")) {
                throw ToolFailure.usage("plugin: the launcher passes --root <checkout> first; run ./voicecore plugin");
            }
            Path root = Path.of(args.get(1)).toAbsolutePath().normalize();
            List<String> rest = args.subList(2, args.size());
            if (rest.isEmpty() || rest.getFirst().equals("help") || rest.getFirst().equals("--help")) {
                err.println(USAGE);
                return rest.isEmpty() ? ToolFailure.USAGE : 0;
            }
            return new PluginTool(root, out).command(rest.getFirst(), rest.subList(1, rest.size()));
        } catch (ToolFailure failure) {
            err.println("voicecore " + failure.getMessage());
            if (failure.exitStatus() == ToolFailure.USAGE && failure.getMessage().startsWith("plugin: unknown command")) {
                err.println(USAGE);
            }
            return failure.exitStatus();
        } catch (RuntimeException unexpected) {
            // A fault of the tool, not of the input: still one line, with what failed.
            err.println("voicecore plugin: failed: " + unexpected);
            return ToolFailure.REFUSED;
        }
    }

    private int command(String name, List<String> args) {
        return switch (name) {
            case "new" -> newProject(new Arguments("new", args, Set.of("--dir"), Set.of()));
            case "verify" -> {
                Arguments verify = new Arguments("verify", args, Set.of(), Set.of("--json"));
                yield JarVerification.verify(verify.existingFile("JAR"), verify.flag("--json"), out);
            }
            case "keygen" -> {
                Arguments keygen = new Arguments("keygen", args, Set.of("--keystore", "--alias", "--storepass", "--dname"), Set.of());
                keygen.noPositional();
                yield JdkSigning.keygen(Path.of(keygen.required("--keystore")), keygen.required("--alias"), keygen.option("--storepass"),
                                        keygen.option("--dname").orElse("CN=VoiceCore plugin publisher"), out);
            }
            case "sign" -> {
                Arguments sign = new Arguments("sign", args, Set.of("--keystore", "--alias", "--storepass"), Set.of());
                yield JdkSigning.sign(sign.existingFile("JAR"), Path.of(sign.required("--keystore")), sign.required("--alias"),
                                      sign.option("--storepass"), out);
            }
            case "submit" -> {
                Arguments submit = new Arguments("submit", args, Set.of("--marketplace", "--publisher", "--key"), Set.of());
                Path jar = submit.existingFile("JAR");
                yield new MarketplaceUpload(submit.required("--marketplace"), submit.option("--publisher").orElse("me"),
                                          submit.required("--key"))
                        .submit(jar, out);
            }
            default -> throw ToolFailure.usage("plugin: unknown command '" + name + "'");
        };
    }

    private int newProject(Arguments args) {
        NewPluginProject project = new NewPluginProject(args.single("NAME"));
        Path parent = Path.of(args.option("--dir").orElse("."));
        if (Files.exists(parent) && !Files.isDirectory(parent)) {
            throw ToolFailure.usage("plugin new: --dir " + parent + " is a file, not a folder");
        }
        Path dir = project.writeInto(parent);
        out.println("Wrote the plugin project " + project.id() + " in " + dir);
        new LocalSdkArtifacts(root, NewPluginProject.voicecoreVersion(), LocalSdkArtifacts.localRepository(System.getenv()), out)
                .ensureInstalled();
        new JdkToolchains(JdkToolchains.userFile(), out).ensureDeclared();
        out.println("""
                Next:
                  cd %s
                  mvn verify                                          # runs its tests, writes target/%s-1.0.0.jar
                  %s plugin verify target/%s-1.0.0.jar
                Its README.md has the rest: sandbox, sign, submit.""".formatted(dir, project.id(), root.resolve("voicecore"), project.id()));
        return 0;
    }
}
