package io.herald.subscription.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Keyed sends to Kafka through an emitter of {@link Record}s, for the service's producers (the outbox relay,
 * dead-letter replay): each record to its topic, in call order (the emitter keeps it; the idempotent producer keeps it
 * per partition), and one result for all of them.
 */
public final class KeyedSends {

    /**
     * One record.
     *
     * @param value null for a tombstone
     */
    public record Keyed(String topic, String key, String value) {
    }

    private KeyedSends() {
    }

    /**
     * Emits {@code records} at once and completes when the broker acknowledged every one, or fails with
     * {@code onTimeout} when that takes longer than {@code timeout}. The acknowledgements arrive on a Kafka thread: the
     * result is delivered on the caller's Vert.x context again (its session, its transaction).
     */
    public static Uni<Void> sendAll(MutinyEmitter<Record<String, String>> emitter, List<Keyed> records,
            Duration timeout, Supplier<? extends Throwable> onTimeout) {
        Context context = Vertx.currentContext();
        Uni<Void> acked = Uni.createFrom().deferred(() -> {
            List<CompletableFuture<Void>> acks = new ArrayList<>(records.size());
            for (Keyed record : records) {
                OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                        .withTopic(record.topic()).withKey(record.key()).build();
                acks.add(emitter.sendMessage(Message.of(Record.of(record.key(), record.value()), Metadata.of(metadata)))
                        .subscribeAsCompletionStage());
            }
            return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
        }).replaceWithVoid().ifNoItem().after(timeout).failWith(onTimeout);
        return context == null ? acked : acked.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }
}
