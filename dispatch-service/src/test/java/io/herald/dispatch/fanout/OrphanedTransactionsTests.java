package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.testing.KafkaTestResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * On the real broker: a fan-out transaction left open by a replica that is no longer in the fan-out group holds back
 * every {@code read_committed} reader of its partition; {@link OrphanedTransactions} aborts it at once, and never
 * touches the transaction of a replica still in the group.
 */
class OrphanedTransactionsTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A prefix of this test's own, so the fan-out transactions of a dispatch under test nearby are never looked at. */
    private final String prefix = "herald-test-orphans-" + UUID.randomUUID() + "-";
    private final String topic = "herald.test.orphans-" + UUID.randomUUID();
    private final String group = "herald-test-orphans-" + UUID.randomUUID();
    private final TopicPartition partition = new TopicPartition(topic, 0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private OrphanedTransactions orphans;

    @BeforeEach
    void createTopic() throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        orphans = new OrphanedTransactions(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers()), prefix, group,
                prefix + "self", registry);
    }

    @AfterEach
    void close() throws Exception {
        orphans.close();
        for (AutoCloseable client : clients) {
            client.close();
        }
    }

    @Test
    void shouldAbortTheOpenTransactionOfAReplicaNoLongerInTheGroup() throws Exception {
        joinGroup(prefix + "alive");
        KafkaProducer<String, String> departed = inTransaction(prefix + "departed", "left open");
        send(plainProducer(), "written after it");
        KafkaConsumer<String, String> reader = reader();
        assertThat(read(reader, Duration.ofSeconds(2))).as("held back behind the open transaction").isEmpty();

        List<String> fenced = orphans.fenceOrphans();

        assertThat(fenced).containsExactly(prefix + "departed");
        assertThat(read(reader, TIMEOUT)).as("readable once the transaction is aborted")
                .containsExactly("written after it");
        assertThatThrownBy(departed::commitTransaction).as("the departed replica's producer is fenced")
                .isInstanceOf(KafkaException.class);
        assertThat(registry.get("herald.fanout.orphans.fenced").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldLeaveTheTransactionOfAReplicaInTheGroupOpen() throws Exception {
        joinGroup(prefix + "alive");
        KafkaProducer<String, String> alive = inTransaction(prefix + "alive", "in progress");

        List<String> fenced = orphans.fenceOrphans();
        alive.commitTransaction();

        assertThat(fenced).isEmpty();
        assertThat(read(reader(), TIMEOUT)).containsExactly("in progress");
    }

    @Test
    void shouldFenceNoOneWhileAMemberDoesNotSayWhichTransactionIsItsOwn() throws Exception {
        // A replica of a version before the fan-out consumer carried its transactional id, during a rolling update.
        joinGroup("kafka-consumer-events-in");
        KafkaProducer<String, String> earlier = inTransaction(prefix + "earlier-version", "in progress");

        List<String> fenced = orphans.fenceOrphans();
        earlier.commitTransaction();

        assertThat(fenced).isEmpty();
    }

    /** A member of the test's group with that client id, holding the topic's partition. */
    private void joinGroup(String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> member = closing(new KafkaConsumer<>(props));
        member.subscribe(List.of(topic));
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!member.assignment().contains(partition) && Instant.now().isBefore(deadline)) {
            member.poll(Duration.ofMillis(100));
        }
        assertThat(member.assignment()).as("the member holds the partition").contains(partition);
    }

    /** A producer of that transactional id with a transaction open, one record written in it. */
    private KafkaProducer<String, String> inTransaction(String transactionalId, String value) throws Exception {
        Properties props = producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> producer = closing(new KafkaProducer<>(props));
        producer.initTransactions();
        producer.beginTransaction();
        send(producer, value);
        return producer;
    }

    private KafkaProducer<String, String> plainProducer() {
        return closing(new KafkaProducer<>(producerProps()));
    }

    private void send(KafkaProducer<String, String> producer, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, "key", value)).get(30, TimeUnit.SECONDS);
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    private KafkaConsumer<String, String> reader() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> reader = closing(new KafkaConsumer<>(props));
        reader.assign(List.of(partition));
        reader.seekToBeginning(List.of(partition));
        return reader;
    }

    /** What the reader reads within {@code wait}, stopping at the first records. */
    private static List<String> read(KafkaConsumer<String, String> reader, Duration wait) {
        List<String> values = new ArrayList<>();
        Instant deadline = Instant.now().plus(wait);
        while (values.isEmpty() && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(100))) {
                values.add(record.value());
            }
        }
        return values;
    }

    private <T extends AutoCloseable> T closing(T client) {
        clients.add(client);
        return client;
    }
}
