package io.herald.dispatch;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.dispatch.routing.EndpointStateOpener;
import io.herald.testing.KafkaTestClient;

/**
 * What producers and subscription would write, and what dispatch wrote, as dispatch's messages (JSON) on the shared
 * {@link KafkaTestClient}.
 */
public final class TestKafka implements AutoCloseable {

    private final KafkaTestClient client = KafkaTestClient.connect();

    private TestKafka() {
    }

    public static TestKafka connect() {
        return new TestKafka();
    }

    /** Publishes {@code endpoint} as subscription does: its secrets and header values sealed. */
    public void publishEndpoint(EndpointState endpoint) {
        client.send(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring())));
    }

    /** Publishes {@code endpoint} exactly as given (e.g. with secrets in clear, which dispatch must refuse). */
    public void publishEndpointAsIs(EndpointState endpoint) {
        client.send(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint));
    }

    /** The keyring dispatch under test is configured with. */
    public static Keyring keyring() {
        return Keyring.parse(ConfigProvider.getConfig().getValue(EndpointStateOpener.SETTING, String.class),
                EndpointStateOpener.SETTING);
    }

    public void tombstone(String endpointId) {
        client.send(Topics.ENDPOINTS, endpointId, null);
    }

    public void publishEvent(EventMessage event) {
        client.send(Topics.EVENTS, event.kafkaKey(), Json.write(event));
    }

    /** Publishes many events without waiting for each acknowledgement; returns once all were acknowledged. */
    public void publishEvents(List<EventMessage> events) {
        client.sendAll(events.stream()
                .map(event -> new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event))).toList());
    }

    /** Writes a delivery to a retry tier, as an instance handing it off after a failed try would. */
    public void publishRetry(String tier, DeliveryMessage delivery) {
        client.send(Topics.retryTier(tier), delivery.endpointId(), Json.write(delivery));
    }

    public void publishDelivery(DeliveryMessage delivery) {
        client.send(Topics.DELIVERIES, delivery.endpointId(), Json.write(delivery));
    }

    /** The attempt record of a delivery, waiting for it to appear on {@code herald.attempts}. */
    public AttemptMessage awaitAttempt(String deliveryId, Duration timeout) {
        return await(Topics.ATTEMPTS, AttemptMessage.class, a -> deliveryId.equals(a.deliveryId()), 1, timeout).get(0);
    }

    /** The first {@code count} attempt records of a delivery, in attempt order, waiting for them. */
    public List<AttemptMessage> awaitAttempts(String deliveryId, int count, Duration timeout) {
        List<AttemptMessage> found = await(Topics.ATTEMPTS, AttemptMessage.class,
                a -> deliveryId.equals(a.deliveryId()), count, timeout);
        return found.stream().sorted(Comparator.comparingInt(AttemptMessage::attempt)).toList();
    }

    /** Records of {@code topic} read as {@code type} that match, from the beginning, until {@code count} were found. */
    public <T> List<T> await(String topic, Class<T> type, Predicate<T> filter, int count, Duration timeout) {
        return KafkaTestClient
                .await(topic, record -> record.value() != null && filter.test(Json.read(record.value(), type)),
                        found -> found.size() >= count, timeout)
                .stream().map(record -> Json.read(record.value(), type)).toList();
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
        return read(KafkaTestClient.readToEnd(Topics.DELIVERIES, committedOnly), DeliveryMessage.class, filter);
    }

    /** Every record of {@code topic} written so far, read as {@code type}, that matches (reads to the current end). */
    public <T> List<T> readToEnd(String topic, Class<T> type, Predicate<T> filter) {
        return read(KafkaTestClient.readToEnd(topic), type, filter);
    }

    @Override
    public void close() {
        client.close();
    }

    private static <T> List<T> read(List<ConsumerRecord<String, String>> records, Class<T> type, Predicate<T> filter) {
        return records.stream().filter(record -> record.value() != null).map(record -> Json.read(record.value(), type))
                .filter(filter).toList();
    }
}
