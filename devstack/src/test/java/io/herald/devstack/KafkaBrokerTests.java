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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker is a real child JVM: these tests produce and consume over TCP, stop it, kill it and restart it. */
class KafkaBrokerTests {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.create(Path.of("target", "kafka-tests", UUID.randomUUID().toString()), 0, 0, Map.of())
                .start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @BeforeEach
    void brokerIsUp() {
        broker.start();
    }

    @Test
    void shouldDeliverAProducedRecordToAConsumer() throws Exception {
        String topic = newTopic();

        produce(topic, "k1", "hello");

        assertThat(consumeAll(topic, 1)).containsExactly("k1=hello");
    }

    @Test
    void shouldKeepATopicsRecordsAcrossStopAndRestart() throws Exception {
        String topic = newTopic();
        produce(topic, "k1", "before-restart");
        long firstPid = broker.pid();

        broker.stop();
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Processes.accepts(broker.port())).isFalse();
        broker.start();

        assertThat(broker.pid()).isNotEqualTo(firstPid);
        produce(topic, "k2", "after-restart");
        assertThat(consumeAll(topic, 2)).containsExactlyInAnyOrder("k1=before-restart", "k2=after-restart");
    }

    @Test
    void shouldDieAtOnceWhenKilledAndRecoverItsRecordsOnRestart() throws Exception {
        String topic = newTopic();
        produce(topic, "k1", "before-crash");
        ProcessHandle handle = ProcessHandle.of(broker.pid()).orElseThrow();

        broker.kill();

        assertThat(handle.isAlive()).isFalse();
        assertThat(broker.isRunning()).isFalse();
        assertThat(Processes.accepts(broker.port())).isFalse();
        broker.start();
        assertThat(consumeAll(topic, 1)).containsExactly("k1=before-crash");
    }

    @Test
    void shouldKeepItsPortsAcrossRestarts() {
        String before = broker.bootstrapServers();

        broker.stop();
        broker.start();

        assertThat(broker.bootstrapServers()).isEqualTo(before).startsWith("127.0.0.1:");
    }

    private static String newTopic() throws Exception {
        String topic = "test-" + UUID.randomUUID();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static void produce(String topic, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(String topic, int expected) {
        return TopicRecords.consumeAll(broker.bootstrapServers(), topic, expected, Duration.ofSeconds(60),
                record -> record.key() + "=" + record.value());
    }
}
