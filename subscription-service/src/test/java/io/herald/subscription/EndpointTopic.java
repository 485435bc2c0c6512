package io.herald.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.Keyring;
import io.herald.subscription.secret.SecretCipher;
import io.herald.testing.KafkaTestResource;

/** Reads {@code herald.endpoints} of the test broker from the beginning, for assertions on what the relay published. */
public final class EndpointTopic {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EndpointTopic() {
    }

    /** A record's endpoint state with its secrets opened by the service's configured keyring. */
    public static EndpointState state(String value) {
        return Json.read(value, EndpointState.class).opened(keyring());
    }

    /** The keyring the service under test is configured with. */
    public static Keyring keyring() {
        return Keyring.parse(ConfigProvider.getConfig().getValue(SecretCipher.SETTING, String.class),
                SecretCipher.SETTING);
    }

    /**
     * The records with key {@code endpointId}, in order, as soon as the last one matches {@code until}; fails after a
     * bounded wait.
     */
    public static List<ConsumerRecord<String, String>> awaitRecords(String endpointId,
            Predicate<List<ConsumerRecord<String, String>>> until) {
        return awaitRecords(Topics.ENDPOINTS, endpointId, until);
    }

    /** As {@link #awaitRecords(String, Predicate)}, on another topic (e.g. {@code herald.event-types}). */
    public static List<ConsumerRecord<String, String>> awaitRecords(String topic, String endpointId,
            Predicate<List<ConsumerRecord<String, String>>> until) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assignFromBeginning(consumer, topic);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (endpointId.equals(record.key())) {
                        found.add(record);
                    }
                }
                if (!found.isEmpty() && until.test(found)) {
                    return found;
                }
            }
            throw new AssertionError(topic + " never held the expected records for " + endpointId + "; found "
                    + found.size() + " record(s)");
        }
    }

    /** What herald.endpoints holds for this key right now (reads to the current end of every partition). */
    public static List<ConsumerRecord<String, String>> recordsNow(String key) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, Topics.ENDPOINTS);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    /** A reader of how many records herald.endpoints holds, kept open so each look is one quick request. */
    public static Size size() {
        return new Size(consumer());
    }

    /** See {@link #size()}. */
    public static final class Size implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final List<TopicPartition> partitions;

        private Size(KafkaConsumer<String, String> consumer) {
            this.consumer = consumer;
            this.partitions = assignFromBeginning(consumer, Topics.ENDPOINTS);
        }

        /** The sum of the topic's end offsets now. */
        public long records() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }
}
