package io.herald.subscription.deadletter;

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

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.testing.KafkaTestResource;

/** A plain consumer of herald.deliveries that sees only what was published after it was opened. */
public final class DeliveriesTail implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;

    public DeliveriesTail() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.DELIVERIES).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        end.forEach(consumer::seek);
    }

    /**
     * The deliveries published for this endpoint (the Kafka key) since the tail was opened, up to and including the
     * first one {@code last} accepts. The topic is keyed by endpoint, so everything published for the endpoint before
     * that one is in the list.
     */
    public List<DeliveryMessage> until(String endpointId, Predicate<DeliveryMessage> last) {
        List<DeliveryMessage> found = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                if (!endpointId.equals(record.key())) {
                    continue;
                }
                DeliveryMessage delivery = Json.read(record.value(), DeliveryMessage.class);
                found.add(delivery);
                if (last.test(delivery)) {
                    return found;
                }
            }
        }
        throw new AssertionError(
                "No matching delivery for " + endpointId + " on " + Topics.DELIVERIES + "; saw " + found);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
