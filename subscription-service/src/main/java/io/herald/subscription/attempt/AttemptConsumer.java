package io.herald.subscription.attempt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.subscription.database.PollWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Builds the delivery log from {@code herald.attempts}: a poll's records are written in one statement, and the batch is
 * acknowledged (its offsets become committable) only after PostgreSQL committed it. At least once, and idempotent: a
 * record consumed again is skipped by the table's key (attempt id, attempted at).
 * <p>
 * One record never stops the log for everyone: receiver text is made safe before the insert (see
 * {@link AttemptRepository#insert}), and a record PostgreSQL still refuses for its data is parked ({@link PollWriter}:
 * logged, counted in {@value #ATTEMPTS_PARKED_METRIC}, skipped) while the rest of its poll is stored.
 */
@ApplicationScoped
public class AttemptConsumer {

    /** The incoming channel (see application.properties, section "Delivery log"). */
    public static final String CHANNEL = "attempts-in";
    /** Attempts that could not be stored and were skipped. */
    public static final String ATTEMPTS_PARKED_METRIC = "herald.attempts.parked";
    private static final Logger LOG = Logger.getLogger(AttemptConsumer.class);

    private final AttemptRepository attempts;
    private final AttemptPartitions partitions;
    private final PollWriter<AttemptMessage> writer;
    private final MessageJson json;

    public AttemptConsumer(AttemptRepository attempts, AttemptPartitions partitions, MeterRegistry registry,
            MessageJson json) {
        this.json = json;
        this.attempts = attempts;
        this.partitions = partitions;
        this.writer = new PollWriter<>("attempts", this::write, AttemptConsumer::describe,
                Counter.builder(ATTEMPTS_PARKED_METRIC)
                        .description("Attempt records of herald.attempts the delivery log could not store (skipped)")
                        .register(registry));
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> values) {
        List<AttemptMessage> batch = new ArrayList<>(readable(values, partitions.retentionCutoff()));
        // A time that far ahead is a broken clock or record; storing it would create a partition no purge ever drops.
        Instant future = partitions.futureCutoff();
        batch.removeIf(attempt -> {
            boolean tooFar = attempt.attemptedAt().isAfter(future);
            if (tooFar) {
                writer.park(attempt, "attemptedAt " + attempt.attemptedAt() + " is after " + future);
            }
            return tooFar;
        });
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // A failed write is retried with the partitions checked again (one may have been dropped meanwhile).
        return writer.storeRetrying(batch)
                .invoke(inserted -> LOG.debugf("Delivery log: %d of %d attempts new", (Object) inserted, batch.size()))
                .replaceWithVoid();
    }

    /** Writes attempts into their days' partitions; a failure forgets which partitions exist, so a retry checks. */
    private Uni<Integer> write(List<AttemptMessage> batch) {
        Set<LocalDate> days = new TreeSet<>();
        batch.forEach(attempt -> days.add(LocalDate.ofInstant(attempt.attemptedAt(), ZoneOffset.UTC)));
        return partitions.ensure(days).chain(() -> attempts.insert(batch)).onFailure()
                .invoke(failure -> partitions.forget());
    }

    private static String describe(AttemptMessage attempt) {
        return "attempt " + attempt.id() + " at " + attempt.attemptedAt() + ", tenant " + attempt.tenant()
                + ", endpoint " + attempt.endpointId() + ", event " + attempt.eventId();
    }

    /** The records that can be stored; unreadable or incomplete ones and those past the retention are skipped. */
    private List<AttemptMessage> readable(List<String> values, Instant cutoff) {
        List<AttemptMessage> result = PollWriter.readable(json, values, Topics.ATTEMPTS, AttemptMessage.class,
                attempt -> attempt.id() != null && attempt.attemptedAt() != null && attempt.tenant() != null
                        && attempt.endpointId() != null && attempt.eventId() != null && attempt.eventType() != null
                        && attempt.deliveryId() != null && attempt.webhookId() != null,
                attempt -> "id " + attempt.id());
        result.removeIf(attempt -> attempt.attemptedAt().isBefore(cutoff));
        return result;
    }
}
