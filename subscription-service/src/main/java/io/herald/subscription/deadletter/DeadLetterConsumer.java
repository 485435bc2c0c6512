package io.herald.subscription.deadletter;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.subscription.database.PollWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Stores the dead letters of {@code herald.dlq}: a poll's records in one pipelined round trip, acknowledged only after
 * they are stored. Idempotent on re-consumption (see {@link DeadLetterRepository#id}). A record PostgreSQL refuses for
 * its data is parked ({@link PollWriter}: logged, counted in {@value #DEAD_LETTERS_PARKED_METRIC}, skipped) while the
 * rest of its poll is stored.
 */
@ApplicationScoped
public class DeadLetterConsumer {

    /** The incoming channel (see application.properties, section "Dead letters"). */
    public static final String CHANNEL = "dlq-in";
    /** Dead letters that could not be stored and were skipped. */
    public static final String DEAD_LETTERS_PARKED_METRIC = "herald.dead-letters.parked";

    private final PollWriter<DeadLetterMessage> writer;
    private final MessageJson json;

    public DeadLetterConsumer(DeadLetterRepository letters, Clock clock, MeterRegistry registry, MessageJson json) {
        this.json = json;
        this.writer = new PollWriter<>("dead letters", batch -> letters.insert(batch, clock.instant()),
                DeadLetterConsumer::describe,
                Counter.builder(DEAD_LETTERS_PARKED_METRIC)
                        .description("Dead letters of herald.dlq that could not be stored (skipped)")
                        .register(registry));
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> values) {
        return writer.storeRetrying(readable(values)).replaceWithVoid();
    }

    private static String describe(DeadLetterMessage letter) {
        DeliveryMessage delivery = letter.delivery();
        return "delivery " + delivery.id() + " dead at " + letter.deadAt() + ", tenant " + delivery.tenant()
                + ", endpoint " + delivery.endpointId() + ", event " + delivery.eventId();
    }

    private List<DeadLetterMessage> readable(List<String> values) {
        return PollWriter.readable(json, values, Topics.DLQ, DeadLetterMessage.class, letter -> {
            DeliveryMessage delivery = letter.delivery();
            return delivery != null && letter.deadAt() != null && delivery.id() != null && delivery.tenant() != null
                    && delivery.endpointId() != null && delivery.webhookId() != null && delivery.eventId() != null
                    && delivery.eventType() != null && delivery.payload() != null;
        }, letter -> "delivery " + (letter.delivery() == null ? null : letter.delivery().id()));
    }
}
