package io.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.dispatch.routing.EndpointStateOpener;
import io.herald.testing.KafkaTestResource;

/**
 * Plain Kafka clients against the test broker: what producers and subscription would write, and what dispatch wrote.
 */
public final class TestKafka implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;

    private TestKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    public static TestKafka connect() {
        return new TestKafka(KafkaTestResource.bootstrapServers());
    }

    /** Publishes {@code endpoint} as subscription does: its secrets and header values sealed. */
    public void publishEndpoint(EndpointState endpoint) {
        send(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring())));
    }

    /** Publishes {@code endpoint} exactly as given (e.g. with secrets in clear, which dispatch must refuse). */
    public void publishEndpointAsIs(EndpointState endpoint) {
        send(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint));
    }

    /** The keyring dispatch under test is configured with. */
    public static Keyring keyring() {
        return Keyring.parse(ConfigProvider.getConfig().getValue(EndpointStateOpener.SETTING, String.class),
                EndpointStateOpener.SETTING);
    }

    public void tombstone(String endpointId) {
        send(Topics.ENDPOINTS, endpointId, null);
    }

    public void publishEvent(EventMessage event) {
        send(Topics.EVENTS, event.kafkaKey(), Json.write(event));
    }

    /** Publishes many events without waiting for each acknowledgement; returns once all were acknowledged. */
    public void publishEvents(List<EventMessage> events) {
        List<Future<?>> sent = new ArrayList<>();
        for (EventMessage event : events) {
            sent.add(producer.send(new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event))));
        }
        producer.flush();
        for (Future<?> send : sent) {
            try {
                send.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot write to " + Topics.EVENTS, e.getCause());
            }
        }
    }

    /** Writes a delivery to a retry tier, as an instance handing it off after a failed try would. */
    public void publishRetry(String tier, DeliveryMessage delivery) {
        send(Topics.retryTier(tier), delivery.endpointId(), Json.write(delivery));
    }

    public void publishDelivery(DeliveryMessage delivery) {
        send(Topics.DELIVERIES, delivery.endpointId(), Json.write(delivery));
    }

    /** The attempt record of a delivery, waiting for it to appear on {@code herald.attempts}. */
    public AttemptMessage awaitAttempt(String deliveryId, Duration timeout) {
        List<AttemptMessage> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, Topics.ATTEMPTS);
            while (found.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("No attempt record for delivery " + deliveryId + " within " + timeout
                            + " on " + partitions.size() + " partitions");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    AttemptMessage attempt = Json.read(record.value(), AttemptMessage.class);
                    if (deliveryId.equals(attempt.deliveryId())) {
                        found.add(attempt);
                    }
                }
            }
        }
        return found.get(0);
    }

    /** The first {@code count} attempt records of a delivery, in attempt order, waiting for them. */
    public List<AttemptMessage> awaitAttempts(String deliveryId, int count, Duration timeout) {
        List<AttemptMessage> found = await(Topics.ATTEMPTS, AttemptMessage.class,
                a -> deliveryId.equals(a.deliveryId()), count, timeout);
        return found.stream().sorted(java.util.Comparator.comparingInt(AttemptMessage::attempt)).toList();
    }

    /** Records of {@code topic} read as {@code type} that match, from the beginning, until {@code count} were found. */
    public <T> List<T> await(String topic, Class<T> type, Predicate<T> filter, int count, Duration timeout) {
        List<T> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assignFromBeginning(consumer, topic);
            while (found.size() < count) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Found " + found.size() + " of " + count + " matching records on " + topic
                            + " within " + timeout + ": " + found);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue;
                    }
                    T value = Json.read(record.value(), type);
                    if (filter.test(value)) {
                        found.add(value);
                    }
                }
            }
        }
        return found;
    }

    /** Every delivery committed so far to {@code herald.deliveries} that matches, as dispatch's consumer reads them. */
    public List<DeliveryMessage> deliveries(Predicate<DeliveryMessage> filter) {
        return deliveries(filter, true);
    }

    /**
     * Every delivery written so far to {@code herald.deliveries} that matches: committed only, or also those of aborted
     * and open transactions ({@code read_uncommitted}).
     */
    public List<DeliveryMessage> deliveries(Predicate<DeliveryMessage> filter, boolean committedOnly) {
        List<DeliveryMessage> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(committedOnly)) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, Topics.DELIVERIES);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    DeliveryMessage delivery = Json.read(record.value(), DeliveryMessage.class);
                    if (filter.test(delivery)) {
                        found.add(delivery);
                    }
                }
            }
        }
        return found;
    }

    /** Every record of {@code topic} written so far, read as {@code type}, that matches (reads to the current end). */
    public <T> List<T> readToEnd(String topic, Class<T> type, Predicate<T> filter) {
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        T value = Json.read(record.value(), type);
                        if (filter.test(value)) {
                            found.add(value);
                        }
                    }
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        producer.close();
    }

    private void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write to " + topic, e.getCause());
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return consumer(true);
    }

    private KafkaConsumer<String, String> consumer(boolean committedOnly) {
        Properties props = new Properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
