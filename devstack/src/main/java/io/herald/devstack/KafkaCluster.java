package io.herald.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of {@link KafkaBroker} nodes on 127.0.0.1, each a combined broker and controller in its own JVM and
 * data directory ({@code
 *
<dir>
 * /node-<id>}), all voters of one controller quorum. Three nodes replicate internal topics three times with two in
 * sync, as the reference cluster in {@code k8s/kafka} does, so any one node can die.
 * <p>
 * Ports: node <i>i</i> (from 0) listens on {@code basePort + 2i} and its controller on {@code basePort + 2i + 1}, or on
 * free ports when {@code basePort} is 0. The cluster id is kept in {@code
 *
<dir>
 * /cluster-id} so that restarts find their storage formatted for it.
 */
public final class KafkaCluster implements AutoCloseable {

    private final List<KafkaBroker> nodes;

    private KafkaCluster(List<KafkaBroker> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** A cluster of {@code size} nodes with data under {@code dir}; nothing runs until {@link #start()}. */
    public static KafkaCluster create(Path dir, int size, int basePort, Map<String, String> overrides) {
        if (size < 1) {
            throw new IllegalArgumentException("A Kafka cluster needs at least one node, not " + size);
        }
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(basePort == 0 ? freePorts(ports) : new int[] { basePort + 2 * i, basePort + 2 * i + 1 });
        }
        String voters = "";
        for (int i = 0; i < size; i++) {
            voters += (i == 0 ? "" : ",") + (i + 1) + "@127.0.0.1:" + ports.get(i)[1];
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        String clusterId = LocalStack.loadOrCreate(dir.toAbsolutePath().resolve("cluster-id"),
                () -> Uuid.randomUuid().toString());
        List<KafkaBroker> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            KafkaBroker.Membership membership = new KafkaBroker.Membership(i + 1, size, voters, clusterId);
            nodes.add(KafkaBroker.member(dir.resolve("node-" + (i + 1)), ports.get(i)[0], ports.get(i)[1], overrides,
                    membership));
        }
        return new KafkaCluster(nodes);
    }

    private static int[] freePorts(List<int[]> taken) {
        while (true) {
            int port = Processes.freePort();
            int controller = Processes.freePort();
            boolean clash = port == controller || taken.stream()
                    .anyMatch(p -> p[0] == port || p[1] == port || p[0] == controller || p[1] == controller);
            if (!clash) {
                return new int[] { port, controller };
            }
        }
    }

    /** Starts every node that is not running, then waits until each answers. */
    public KafkaCluster start() {
        nodes.forEach(KafkaBroker::launch);
        try {
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::awaitReady))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return this;
    }

    /** Every node's listener, comma-separated, as clients take it. */
    public String bootstrapServers() {
        return nodes.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    public List<KafkaBroker> nodes() {
        return nodes;
    }

    /** The node with this id (from 1). */
    public KafkaBroker node(int id) {
        return nodes.get(id - 1);
    }

    /** The replication factor topics of this cluster get: up to three. */
    public int replication() {
        return Math.min(3, nodes.size());
    }

    /** Stops every node gracefully, in reverse order. */
    public void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
