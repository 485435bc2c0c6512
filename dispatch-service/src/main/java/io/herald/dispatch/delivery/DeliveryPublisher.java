package io.herald.dispatch.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.DispatchConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes deliveries to {@code herald.deliveries}, keyed by endpoint id so that one dispatch replica owns each endpoint.
 * The seam where fan-out becomes a Kafka transaction (deliveries and the event's offset committed together).
 */
@ApplicationScoped
public class DeliveryPublisher {

    private final MutinyEmitter<String> emitter;
    private final int concurrency;

    DeliveryPublisher(@Channel("deliveries-out") MutinyEmitter<String> emitter, DispatchConfig config) {
        this.emitter = emitter;
        this.concurrency = config.fanOut().sendConcurrency();
    }

    /** Completes once Kafka acknowledged every delivery; fails if any send failed. */
    public Uni<Void> publish(List<DeliveryMessage> deliveries) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(deliveries).onItem().transformToUni(this::send).merge(concurrency).onItem()
                .ignoreAsUni();
    }

    private Uni<Void> send(DeliveryMessage delivery) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(Topics.DELIVERIES).withKey(delivery.endpointId()).build();
        return emitter.sendMessage(Message.of(Json.write(delivery)).addMetadata(metadata));
    }
}
