package io.herald.subscription.deadletter;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.kafka.KeyedSends;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/** Sends replayed deliveries to {@code herald.deliveries}, keyed by endpoint id, and completes on the broker's ack. */
@ApplicationScoped
public class DeliveryReplayPublisher {

    /** The outgoing channel (see application.properties, section "Dead letters"). */
    public static final String CHANNEL = "deliveries-replay";

    private final MutinyEmitter<Record<String, String>> emitter;
    private final DeadLetterConfig config;
    private final MessageJson json;

    public DeliveryReplayPublisher(@Channel(CHANNEL) MutinyEmitter<Record<String, String>> emitter,
            DeadLetterConfig config, MessageJson json) {
        this.json = json;
        this.emitter = emitter;
        this.config = config;
    }

    /** Completes once Kafka acknowledged every message; a 503 problem if it does not within the publish timeout. */
    public Uni<Void> publish(List<DeliveryMessage> deliveries) {
        List<KeyedSends.Keyed> records = deliveries.stream()
                .map(delivery -> new KeyedSends.Keyed(Topics.DELIVERIES, delivery.endpointId(), json.write(delivery)))
                .toList();
        return KeyedSends
                .sendAll(emitter, records, config.publishTimeout(),
                        () -> unavailable("Kafka did not acknowledge the replay within "
                                + config.publishTimeout().toMillis() + " ms; nothing was marked replayed, try again"))
                .onFailure(failure -> !(failure instanceof ProblemException))
                .transform(failure -> unavailable("Kafka refused the replay; nothing was marked replayed, try again"));
    }

    private static ProblemException unavailable(String detail) {
        return ProblemException.unavailable(detail, Duration.ofSeconds(5));
    }
}
