package io.herald.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what the brokers under test hold, as the tests of the dev stack's Kafka check it. */
final class TopicRecords {

    private TopicRecords() {
    }

    /**
     * Every record of {@code topic} from the beginning, each as {@code describe} puts it, once {@code expected} arrived
     * or {@code timeout} passed, plus what one more poll brings: a record beyond the expected ones must show up as a
     * failure, not be missed.
     */
    static List<String> consumeAll(String bootstrapServers, String topic, int expected, Duration timeout,
            Function<ConsumerRecord<String, String>, String> describe) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(describe.apply(record));
                }
            }
            consumer.poll(Duration.ofMillis(500)).forEach(record -> seen.add(describe.apply(record)));
        }
        return seen;
    }
}
