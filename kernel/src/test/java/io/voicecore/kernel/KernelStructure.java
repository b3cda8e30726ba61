package io.voicecore.kernel;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Two rules of the kernel's layout, checked on its compiled classes and sources with the JDK alone: no cycle among
 * the kernel's packages (the dependencies are those {@code jdeps} reads from the bytecode), and no source file over
 * {@value #MAX_LINES} lines unless its class comment says why ({@value #LENGTH_REASON}).
 *
 * <p>Run it with {@code ./voicecore structure}; {@code KernelStructureTest} runs the same checks in the suite. It
 * is a single-file program (JDK only), so the launcher runs it straight from this source.
 */
public final class KernelStructure {
    static final int MAX_LINES = 500;
    static final String LENGTH_REASON = "Why it is long:";
    private static final String ROOT = "io.voicecore.kernel";
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");

    private KernelStructure() {
    }

    /** Arguments: the kernel's classes directory and its main sources directory. Exits 1 when a rule is broken. */
    public static void main(String[] args) {
        Path classes = Path.of(args.length > 0 ? args[0] : "kernel/target/classes");
        Path sources = Path.of(args.length > 1 ? args[1] : "kernel/src/main/java");
        Map<String, Set<String>> graph = packageGraph(classes);
        System.out.println("Kernel packages and the kernel packages each depends on:");
        graph.forEach((from, to) -> System.out.println("  " + from.replace(ROOT, "k") + " -> "
                                                       + String.join(", ", to.stream().map(p -> p.replace(ROOT, "k")).toList())));
        List<Set<String>> cycles = cycles(graph);
        Map<Path, Integer> unexplained = longFilesWithoutReason(sources);
        cycles.forEach(cycle -> System.out.println("CYCLE among " + cycle));
        unexplained.forEach((file, lines) -> System.out.println("LONG " + file + " (" + lines + " lines) without '" + LENGTH_REASON
                                                               + "' in its class comment"));
        if (cycles.isEmpty() && unexplained.isEmpty()) {
            System.out.println("No package cycle; no unexplained class over " + MAX_LINES + " lines.");
        } else {
            System.exit(1);
        }
    }

    /** Each kernel package and the other kernel packages its classes refer to, from {@code jdeps -verbose:class}. */
    static Map<String, Set<String>> packageGraph(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException(
                "this JDK has no jdeps tool; run with a full JDK 21+"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
                               "-e", Pattern.quote(ROOT) + "\\..*", classes.toString());
        if (status != 0) {
            throw new IllegalStateException("jdeps failed (" + status + "): " + err);
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find()) {
                String from = packageOf(edge.group(1));
                String to = packageOf(edge.group(2));
                if (from.startsWith(ROOT) && to.startsWith(ROOT)) {
                    graph.computeIfAbsent(from, k -> new TreeSet<>());
                    if (!from.equals(to)) {
                        graph.get(from).add(to);
                    }
                }
            }
        }
        if (graph.isEmpty()) {
            throw new IllegalStateException("jdeps found no kernel classes under " + classes + "; build the kernel first");
        }
        return graph;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, graph, index, low, stack, onStack, cycles, counter);
            }
        }
        return cycles;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> cycles, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, cycles, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }

    /** Source files over {@link #MAX_LINES} lines whose text does not give {@link #LENGTH_REASON}, with their length. */
    static Map<Path, Integer> longFilesWithoutReason(Path sources) {
        Map<Path, Integer> unexplained = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() > MAX_LINES && lines.stream().noneMatch(line -> line.contains(LENGTH_REASON))) {
                    unexplained.put(sources.relativize(file), lines.size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return unexplained;
    }
}
