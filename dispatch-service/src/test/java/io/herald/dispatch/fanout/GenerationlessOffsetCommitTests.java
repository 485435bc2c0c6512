package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.testing.KafkaTestResource;

/**
 * What the group coordinator checks when a transaction commits a consumer group's offsets, on the real broker: the
 * reason fan-out never commits a batch polled without a group generation ({@link FanOut#polledOutsideTheGroup}). A
 * transaction carrying a member's id and generation is refused once that member is not the group's (a zombie fan-out
 * instance is fenced), but one carrying no generation and no member id is accepted whoever owns the partitions: that is
 * how a producer without a consumer commits offsets, and how an expelled fan-out instance would commit events that the
 * partition's new owner fans out as well.
 */
class GenerationlessOffsetCommitTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic = "herald.test.fencing-" + UUID.randomUUID();
    private final String group = "herald-test-fencing-" + UUID.randomUUID();
    private final TopicPartition partition = new TopicPartition(topic, 0);
    private KafkaConsumer<String, String> member;
    private KafkaProducer<String, String> producer;

    @BeforeEach
    void joinTheGroup() throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        member = new KafkaConsumer<>(consumer);
        member.subscribe(List.of(topic));
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!member.assignment().contains(partition) && Instant.now().isBefore(deadline)) {
            member.poll(Duration.ofMillis(100));
        }
        assertThat(member.assignment()).as("the member holds the partition").contains(partition);
        assertThat(member.groupMetadata().generationId()).isNotNegative();

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "herald-test-fencing-" + UUID.randomUUID());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
        producer.initTransactions();
    }

    @AfterEach
    void leave() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (member != null) {
            member.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldRefuseTheOffsetsOfAMemberTheGroupNoLongerHas() {
        ConsumerGroupMetadata current = member.groupMetadata();
        ConsumerGroupMetadata expelled = new ConsumerGroupMetadata(group, current.generationId(),
                "expelled-" + current.memberId(), Optional.empty());

        producer.beginTransaction();

        // The coordinator answers at once; the producer waits for that answer.
        assertThatThrownBy(
                () -> producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(5)), expelled))
                        .isInstanceOf(CommitFailedException.class).hasMessageContaining("not aware of this member");
        producer.abortTransaction();
        assertThat(committed()).as("nothing committed").isNull();
    }

    @Test
    void shouldAcceptOffsetsWithoutAGenerationWhileAnotherMemberHoldsThePartition() {
        producer.beginTransaction();
        producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(7)),
                new ConsumerGroupMetadata(group));
        producer.commitTransaction();

        assertThat(member.assignment()).as("the member still holds the partition").contains(partition);
        // The commit's markers reach the offsets topic a moment after commitTransaction returns.
        await("the offset committed over the member's head").atMost(TIMEOUT)
                .until(() -> Long.valueOf(7).equals(committed()));
    }

    private Long committed() {
        OffsetAndMetadata offset = member.committed(Set.of(partition), TIMEOUT).get(partition);
        return offset == null ? null : offset.offset();
    }
}
