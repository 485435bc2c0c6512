package io.herald.subscription.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Sends replayed deliveries to {@code herald.deliveries}, keyed by endpoint id, and completes on the broker's ack. */
@ApplicationScoped
public class DeliveryReplayPublisher {

    /** The outgoing channel (see application.properties, section "Dead letters"). */
    public static final String CHANNEL = "deliveries-replay";

    private final MutinyEmitter<String> emitter;
    private final DeadLetterConfig config;

    public DeliveryReplayPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter, DeadLetterConfig config) {
        this.emitter = emitter;
        this.config = config;
    }

    /** Completes once Kafka acknowledged every message; a 503 problem if it does not within the publish timeout. */
    public Uni<Void> publish(List<DeliveryMessage> deliveries) {
        // The acknowledgements arrive on a Kafka thread: continue on the caller's context (its SQL transaction).
        Context context = Vertx.currentContext();
        Uni<Void> acked = Uni.createFrom().deferred(() -> {
            List<CompletableFuture<Void>> acks = new ArrayList<>(deliveries.size());
            for (DeliveryMessage delivery : deliveries) {
                OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                        .withTopic(Topics.DELIVERIES).withKey(delivery.endpointId()).build();
                acks.add(emitter.sendMessage(Message.of(Json.write(delivery), Metadata.of(metadata)))
                        .subscribeAsCompletionStage());
            }
            return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
        }).replaceWithVoid().ifNoItem().after(Duration.ofMillis(config.publishTimeoutMs()))
                .failWith(() -> unavailable("Kafka did not acknowledge the replay within " + config.publishTimeoutMs()
                        + " ms; nothing was marked replayed, try again"))
                .onFailure(failure -> !(failure instanceof ProblemException))
                .transform(failure -> unavailable("Kafka refused the replay; nothing was marked replayed, try again"));
        return context == null ? acked : acked.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    private static ProblemException unavailable(String detail) {
        return ProblemException.unavailable(detail, Duration.ofSeconds(5));
    }
}
