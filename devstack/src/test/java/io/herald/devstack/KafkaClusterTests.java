package io.herald.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;

/**
 * Three real broker JVMs in one KRaft quorum, as {@code ./herald-local --brokers 3} runs them: Herald's topics get
 * three replicas with two in sync, and the cluster keeps accepting acks=all writes and serving reads when the node
 * leading a partition is killed.
 */
class KafkaClusterTests {

    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster
                .create(Path.of("target", "kafka-cluster-tests", UUID.randomUUID().toString()), 3, 0, Map.of()).start();
        HeraldTopics.create(cluster.bootstrapServers(), 3, cluster.replication());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void shouldReplicateHeraldsTopicsThreeTimesAndSurviveTheLeadersDeath() throws Exception {
        TopicDescription events = describe(Topics.EVENTS);
        assertThat(events.partitions()).hasSize(3)
                .allSatisfy(p -> assertThat(p.replicas()).as("replicas of %s", p).hasSize(3));
        produce(Topics.EVENTS, "before", 0);
        TopicPartitionInfo first = events.partitions().get(0);
        KafkaBroker leader = cluster.node(first.leader().id());

        leader.kill();
        produce(Topics.EVENTS, "during", 0);
        leader.start();
        produce(Topics.EVENTS, "after", 0);

        assertThat(consumeAll(Topics.EVENTS, 3)).containsExactly("before", "during", "after");
        assertThat(cluster.bootstrapServers().split(",")).hasSize(3).allMatch(s -> s.startsWith("127.0.0.1:"));
    }

    private static TopicDescription describe(String topic) throws Exception {
        try (Admin admin = Admin
                .create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        }
    }

    private static void produce(String topic, String value, int partition) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, "k", value)).get(60, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(String topic, int expected) {
        return TopicRecords.consumeAll(cluster.bootstrapServers(), topic, expected, Duration.ofSeconds(90),
                ConsumerRecord::value);
    }
}
