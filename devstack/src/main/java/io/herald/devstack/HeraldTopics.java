package io.herald.devstack;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import io.herald.contracts.Topics;

/**
 * Creates Herald's topics on a development or test broker with the settings production uses (k8s/ declares the same
 * ones as KafkaTopic resources): {@code herald.endpoints} compacted, everything else deleted by time.
 */
public final class HeraldTopics {

    private HeraldTopics() {
    }

    /**
     * Every topic of {@link Topics#ALL} with {@code partitions} partitions (the compacted topics get one: they are read
     * whole; retry tiers and the DLQ need at least the deliveries topic's count).
     */
    public static List<NewTopic> definitions(int partitions) {
        return definitions(partitions, 1);
    }

    /** As {@link #definitions(int)}, each partition with {@code replication} replicas. */
    public static List<NewTopic> definitions(int partitions, int replication) {
        short replicas = (short) replication;
        return Topics.ALL.stream()
                .map(name -> Topics.COMPACTED.contains(name)
                        ? new NewTopic(name, 1, replicas)
                                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))
                        : new NewTopic(name, partitions, replicas))
                .toList();
    }

    /** Creates every topic that does not exist yet. */
    public static void create(String bootstrapServers, int partitions) {
        create(bootstrapServers, partitions, 1);
    }

    /** Creates every topic that does not exist yet, with {@code replication} replicas. */
    public static void create(String bootstrapServers, int partitions, int replication) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = definitions(partitions, replication).stream()
                    .filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create Herald topics on " + bootstrapServers, e);
        }
    }
}
