package io.herald.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
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

/**
 * The package cycles among a module's compiled classes: which packages depend on each other, round and round. Read with
 * the JDK's {@code jdeps} (class files, so references in comments do not count), grouped into strongly connected
 * components; a module whose packages form no cycle has none.
 */
public final class PackageCycles {

    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private PackageCycles() {
    }

    /**
     * The cycles among the packages under {@code prefix} in {@code classes} (a {@code target/classes} directory): each
     * a sorted set of packages, with the dependencies that close it.
     */
    public static List<String> in(Path classes, String prefix) {
        Map<String, Set<String>> graph = dependencies(classes, prefix);
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : components(graph)) {
            StringBuilder cycle = new StringBuilder(String.join(" <-> ", component)).append(':');
            component.forEach(from -> graph.getOrDefault(from, Set.of()).stream().filter(component::contains)
                    .forEach(to -> cycle.append(' ').append(from).append(" -> ").append(to).append(';')));
            cycles.add(cycle.toString());
        }
        return cycles;
    }

    /** Package to the packages it uses, both under {@code prefix}. */
    static Map<String, Set<String>> dependencies(Path classes, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is not in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                classes.toString());
        if (status != 0) {
            throw new IllegalStateException("jdeps failed: " + err);
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && edge.group(1).startsWith(prefix) && edge.group(2).startsWith(prefix)
                    && !edge.group(1).equals(edge.group(2))) {
                graph.computeIfAbsent(edge.group(1), p -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return graph;
    }

    /** Tarjan's strongly connected components of more than one package. */
    public static List<Set<String>> components(Map<String, Set<String>> graph) {
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(nodes::addAll);
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String node : nodes) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found);
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
                found.add(component);
            }
        }
    }
}
