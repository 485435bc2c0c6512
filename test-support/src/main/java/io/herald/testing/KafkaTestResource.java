package io.herald.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import io.herald.devstack.HeraldTopics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker in the test JVM (Kafka's own test kit), with Herald's topics created. Started once
 * per JVM and shared by every Quarkus test in it; stopped when the JVM exits.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final int PARTITIONS = 3;
    private static KafkaClusterTestKit cluster;

    /** The running broker's bootstrap address, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            cluster = startCluster();
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaTestResource::shutdown, "kafka-test-shutdown"));
        }
        return cluster.bootstrapServers();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared across test classes: stopped by the shutdown hook.
    }

    private static KafkaClusterTestKit startCluster() {
        try {
            Path dir = Files.createTempDirectory("herald-kafka-test");
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                    .setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(dir).build())
                            // One node: every internal topic must have replication factor 1, or consumer groups and
                            // transactions hang silently.
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "5")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0").setDeleteOnClose(true).build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            HeraldTopics.create(kit.bootstrapServers(), PARTITIONS);
            return kit;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the in-JVM Kafka broker", e);
        }
    }

    private static synchronized void shutdown() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                // The JVM is exiting; nothing more to do.
            }
            cluster = null;
        }
    }
}
