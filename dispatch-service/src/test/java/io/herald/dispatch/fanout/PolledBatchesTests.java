package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * Batches polled while a fan-out transaction runs go out together in the next one, never across a rebalance, within
 * their bounds; after an abort, the batches polled past the rewound offsets are never fanned out.
 */
class PolledBatchesTests {

    private static final String TOPIC = "herald.events";

    private final UnicastProcessor<Message<List<String>>> polled = UnicastProcessor.create();
    private final List<Message<List<String>>> fannedOut = new ArrayList<>();
    private final List<CompletableFuture<PolledBatches.Outcome>> transactions = new ArrayList<>();
    private final AtomicInteger rewinds = new AtomicInteger();

    private void consume(int maxRecords) {
        PolledBatches.consume(polled, maxRecords, Long.MAX_VALUE, batch -> {
            fannedOut.add(batch);
            CompletableFuture<PolledBatches.Outcome> transaction = new CompletableFuture<>();
            transactions.add(transaction);
            return Uni.createFrom().completionStage(transaction);
        }, () -> {
            rewinds.incrementAndGet();
            return Uni.createFrom().voidItem();
        });
    }

    @Test
    void shouldFanOutTheBatchesPolledDuringATransactionInTheNextOne() {
        consume(1000);
        polled.onNext(batch(1, Map.of(0, List.of(10L, 11L))));
        assertThat(fannedOut).hasSize(1);

        polled.onNext(batch(1, Map.of(0, List.of(12L), 1, List.of(40L))));
        polled.onNext(batch(1, Map.of(1, List.of(41L, 42L))));
        polled.onNext(batch(1, Map.of(0, List.of(13L))));
        assertThat(fannedOut).as("one transaction at a time").hasSize(1);

        transactions.get(0).complete(PolledBatches.Outcome.COMMITTED);

        assertThat(fannedOut).hasSize(2);
        Message<List<String>> merged = fannedOut.get(1);
        assertThat(merged.getPayload()).as("each partition's events in the order polled").containsExactly("p0@12",
                "p0@13", "p1@40", "p1@41", "p1@42");
        IncomingKafkaRecordBatchMetadata<?, ?> metadata = merged.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .orElseThrow();
        assertThat(metadata.getOffsets()).as("the offsets to commit: past the last record of each partition")
                .containsEntry(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(14))
                .containsEntry(new TopicPartition(TOPIC, 1), new OffsetAndMetadata(43)).hasSize(2);
        List<String> recordValues = new ArrayList<>();
        metadata.getRecords().forEach(r -> recordValues.add((String) r.value()));
        assertThat(recordValues).as("the records line up with the payloads").isEqualTo(merged.getPayload());
        assertThat(metadata.getConsumerGroupGenerationId()).isEqualTo(1);
    }

    @Test
    void shouldNeverMergeBatchesOfDifferentGenerationsNorPastTheBound() {
        consume(3);
        polled.onNext(batch(1, Map.of(0, List.of(1L))));
        polled.onNext(batch(1, Map.of(0, List.of(2L))));
        polled.onNext(batch(2, Map.of(0, List.of(3L))));
        polled.onNext(batch(2, Map.of(0, List.of(4L, 5L))));
        polled.onNext(batch(2, Map.of(0, List.of(6L, 7L))));

        transactions.get(0).complete(PolledBatches.Outcome.COMMITTED);
        transactions.get(1).complete(PolledBatches.Outcome.COMMITTED);
        transactions.get(2).complete(PolledBatches.Outcome.COMMITTED);

        assertThat(fannedOut).extracting(Message::getPayload).containsExactly(List.of("p0@1"), List.of("p0@2"),
                List.of("p0@3", "p0@4", "p0@5"), List.of("p0@6", "p0@7"));
    }

    @Test
    void shouldDropTheBatchesPolledPastAnAbortAndRewindBeforeFanningOutAgain() {
        consume(1000);
        polled.onNext(batch(1, Map.of(0, List.of(10L, 11L))));
        polled.onNext(batch(1, Map.of(0, List.of(12L))));
        polled.onNext(batch(1, Map.of(0, List.of(13L))));

        transactions.get(0).complete(PolledBatches.Outcome.ABORTED);

        assertThat(fannedOut).as("what was polled past the aborted batch is not fanned out").hasSize(1);
        assertThat(rewinds).as("the consumer is set back to its committed offsets").hasValue(1);

        polled.onNext(batch(1, Map.of(0, List.of(10L, 11L, 12L, 13L))));
        assertThat(fannedOut).hasSize(2);
        assertThat(fannedOut.get(1).getPayload()).containsExactly("p0@10", "p0@11", "p0@12", "p0@13");
    }

    @Test
    void shouldAcknowledgeEveryPolledBatchOfAMergedOne() {
        consume(1000);
        AtomicInteger acks = new AtomicInteger();
        polled.onNext(batch(1, Map.of(0, List.of(1L))));
        polled.onNext(batch(1, Map.of(0, List.of(2L))).withAck(() -> {
            acks.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }));
        polled.onNext(batch(1, Map.of(0, List.of(3L))).withAck(() -> {
            acks.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }));
        transactions.get(0).complete(PolledBatches.Outcome.COMMITTED);

        fannedOut.get(1).ack().toCompletableFuture().join();

        assertThat(acks).hasValue(2);
    }

    /** A polled batch: per partition, records at the given offsets whose values name them ("p0@12"). */
    private static Message<List<String>> batch(int generation, Map<Integer, List<Long>> offsetsByPartition) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> records = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
        List<String> payload = new ArrayList<>();
        offsetsByPartition.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            TopicPartition partition = new TopicPartition(TOPIC, entry.getKey());
            for (long offset : entry.getValue()) {
                String value = "p" + entry.getKey() + "@" + offset;
                records.computeIfAbsent(partition, p -> new ArrayList<>())
                        .add(new ConsumerRecord<>(TOPIC, entry.getKey(), offset, "key", value));
                payload.add(value);
                commit.put(partition, new OffsetAndMetadata(offset + 1));
            }
        });
        var metadata = new IncomingKafkaRecordBatchMetadata<>(new ConsumerRecords<>(records), FanOut.CHANNEL, 0, commit,
                generation);
        return Message.of(payload, Metadata.of(metadata));
    }
}
