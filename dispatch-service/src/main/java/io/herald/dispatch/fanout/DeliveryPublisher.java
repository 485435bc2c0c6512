package io.herald.dispatch.fanout;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.KafkaRecords;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Writes deliveries to {@code herald.deliveries} inside fan-out's Kafka transaction, keyed by endpoint id so that one
 * dispatch replica owns each endpoint.
 */
@ApplicationScoped
public class DeliveryPublisher {

    /**
     * Adds one delivery to the transaction. Kafka makes it visible to {@code read_committed} consumers only when the
     * transaction commits, together with the offsets of the events it came from; on abort it is discarded.
     */
    public void send(TransactionalEmitter<String> transaction, DeliveryMessage delivery) {
        transaction.send(KafkaRecords.keyed(delivery, Topics.DELIVERIES, delivery.endpointId()));
    }
}
