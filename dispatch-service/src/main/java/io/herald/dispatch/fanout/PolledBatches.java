package io.herald.dispatch.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Feeds fan-out the polled batches of {@code herald.events} one transaction at a time, merging every batch that was
 * polled while the previous transaction ran into the next one. The Kafka connector polls again as soon as fan-out takes
 * a batch, so under load it hands over many small batches; one transaction each would make an event wait behind several
 * transactions, while one transaction costs about the same broker round trips for 30 events as for 300. Merged, the
 * batch grows with the load. Batches of different consumer-group generations are never merged (a rebalance in between),
 * and a merged batch stops at {@code maxRecords} records or {@code maxBytes} bytes of payload; polling stops while that
 * much waits.
 * <p>
 * After an aborted transaction the consumer is rewound to the last committed offsets, so any batch held here was polled
 * past them and must never be fanned out (its transaction would commit offsets past the aborted events, losing them).
 * They are dropped, the consumer is rewound once more and what arrived meanwhile is dropped again. Batches are handed
 * over on the connector's event loop, and the drops run there too, after the rewind, which runs on the polling thread:
 * a batch polled before the rewind was handed over before the drop, and one handed over after it was polled after the
 * rewind.
 */
final class PolledBatches implements MultiSubscriber<Message<List<String>>> {

    /** What became of a merged batch. */
    enum Outcome {
        COMMITTED, ABORTED
    }

    private static final Logger LOG = Logger.getLogger(PolledBatches.class);

    private final int maxRecords;
    private final long maxBytes;
    private final Function<Message<List<String>>, Uni<Outcome>> fanOut;
    private final Supplier<Uni<Void>> rewind;
    private final Deque<Message<List<String>>> waiting = new ArrayDeque<>();
    private Flow.Subscription subscription;
    private volatile Context pollContext;
    private volatile boolean warned;
    private int waitingRecords;
    private long waitingBytes;
    private boolean requested;
    private boolean busy;

    private PolledBatches(int maxRecords, long maxBytes, Function<Message<List<String>>, Uni<Outcome>> fanOut,
            Supplier<Uni<Void>> rewind) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.fanOut = fanOut;
        this.rewind = rewind;
    }

    /**
     * Subscribes to {@code batches}: {@code fanOut} gets one (possibly merged) batch at a time and says whether its
     * transaction committed; {@code rewind} sets the consumer back to its last committed offsets.
     */
    static void consume(Multi<Message<List<String>>> batches, int maxRecords, long maxBytes,
            Function<Message<List<String>>, Uni<Outcome>> fanOut, Supplier<Uni<Void>> rewind) {
        batches.subscribe().withSubscriber(new PolledBatches(maxRecords, maxBytes, fanOut, rewind));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (this) {
            this.subscription = subscription;
        }
        requestMore();
    }

    @Override
    public void onItem(Message<List<String>> batch) {
        Context context = Vertx.currentContext();
        if (context != null) {
            pollContext = context;
        } else if (!warned) {
            warned = true;
            LOG.warn("Fan-out batches arrive off the Kafka connector's event loop: the batches dropped after an "
                    + "aborted transaction are not ordered with the consumer's rewind");
        }
        synchronized (this) {
            requested = false;
            waiting.add(batch);
            waitingRecords += batch.getPayload().size();
            waitingBytes += bytes(batch);
        }
        requestMore();
        next();
    }

    @Override
    public void onFailure(Throwable failure) {
        LOG.errorf(failure, "Fan-out stopped consuming: %s", failure.getMessage());
    }

    @Override
    public void onCompletion() {
        LOG.info("Fan-out: no more batches");
    }

    /** Fans out everything waiting, merged, unless a transaction runs. */
    private void next() {
        Message<List<String>> merged;
        synchronized (this) {
            if (busy || waiting.isEmpty()) {
                return;
            }
            merged = takeMerged();
            busy = true;
        }
        Uni<Outcome> outcome;
        try {
            outcome = fanOut.apply(merged);
        } catch (RuntimeException e) {
            outcome = Uni.createFrom().failure(e);
        }
        outcome.onFailure().recoverWithItem(failure -> {
            LOG.errorf(failure, "Fan-out of a batch failed");
            return Outcome.ABORTED;
        }).chain(result -> result == Outcome.ABORTED ? dropAndRewind() : Uni.createFrom().voidItem()).subscribe()
                .with(ignored -> done(), failure -> {
                    LOG.errorf(failure, "Dropping the batches polled past an aborted fan-out failed");
                    done();
                });
    }

    /** The transaction ended: the next one starts on the connector's event loop, not on a Kafka client thread. */
    private void done() {
        synchronized (this) {
            busy = false;
        }
        requestMore();
        onPollContext().subscribe().with(ignored -> next());
    }

    /** The batches waiting at the head with the head's generation, within the bounds, as one message. */
    private Message<List<String>> takeMerged() {
        Message<List<String>> first = waiting.poll();
        forget(first);
        Optional<IncomingKafkaRecordBatchMetadata<?, ?>> head = metadata(first);
        if (head.isEmpty() || waiting.isEmpty() || !merges(waiting.peek(), head.get())) {
            return first;
        }
        List<Message<List<String>>> parts = new ArrayList<>();
        parts.add(first);
        int records = first.getPayload().size();
        long bytes = bytes(first);
        while (!waiting.isEmpty() && merges(waiting.peek(), head.get())
                && records + waiting.peek().getPayload().size() <= maxRecords
                && bytes + bytes(waiting.peek()) <= maxBytes) {
            Message<List<String>> part = waiting.poll();
            forget(part);
            records += part.getPayload().size();
            bytes += bytes(part);
            parts.add(part);
        }
        return parts.size() == 1 ? first : merge(parts, head.get());
    }

    private static boolean merges(Message<List<String>> candidate, IncomingKafkaRecordBatchMetadata<?, ?> head) {
        return metadata(candidate)
                .map(m -> m.getConsumerGroupGenerationId() == head.getConsumerGroupGenerationId()
                        && m.getConsumerIndex() == head.getConsumerIndex() && m.getChannel().equals(head.getChannel()))
                .orElse(false);
    }

    /**
     * One message of {@code parts}, polled in this order: their records by partition, each partition's in the order
     * polled, with the payloads in the same order (so a payload's record gives its timestamp and headers); the highest
     * offset to commit of each partition; acknowledged or refused all together.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    static Message<List<String>> merge(List<Message<List<String>>> parts, IncomingKafkaRecordBatchMetadata<?, ?> head) {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> records = new LinkedHashMap<>();
        Map<TopicPartition, List<String>> payloads = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Message<List<String>> part : parts) {
            IncomingKafkaRecordBatchMetadata<?, ?> metadata = metadata(part).orElseThrow();
            int i = 0;
            for (ConsumerRecord<?, ?> record : metadata.getRecords()) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                records.computeIfAbsent(partition, p -> new ArrayList<>()).add((ConsumerRecord<Object, Object>) record);
                payloads.computeIfAbsent(partition, p -> new ArrayList<>()).add(part.getPayload().get(i++));
            }
            metadata.getOffsets().forEach((partition, offset) -> offsets.merge(partition, offset,
                    (a, b) -> a.offset() >= b.offset() ? a : b));
        }
        List<String> payload = new ArrayList<>();
        payloads.values().forEach(payload::addAll);
        IncomingKafkaRecordBatchMetadata merged = new IncomingKafkaRecordBatchMetadata<>(new ConsumerRecords<>(records),
                head.getChannel(), head.getConsumerIndex(), offsets, head.getConsumerGroupGenerationId());
        return Message.of(payload, Metadata.of(merged), () -> {
            parts.forEach(Message::ack);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            parts.forEach(part -> part.nack(failure));
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * After an aborted transaction: drops the batches held (polled past the offsets the consumer was rewound to),
     * rewinds once more and drops what was handed over until then, each drop on the connector's event loop.
     */
    private Uni<Void> dropAndRewind() {
        return onPollContext().invoke(this::dropWaiting).chain(() -> rewind.get()).onFailure().recoverWithNull()
                .chain(this::onPollContext).invoke(this::dropWaiting);
    }

    private Uni<Void> onPollContext() {
        Context context = pollContext;
        Uni<Void> now = Uni.createFrom().voidItem();
        return context == null ? now : now.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private synchronized void dropWaiting() {
        if (!waiting.isEmpty()) {
            LOG.debugf("Dropping %d batches polled past an aborted fan-out; they are read again", waiting.size());
        }
        waiting.clear();
        waitingRecords = 0;
        waitingBytes = 0;
    }

    private void requestMore() {
        Flow.Subscription upstream;
        synchronized (this) {
            if (subscription == null || requested || waitingRecords >= maxRecords || waitingBytes >= maxBytes) {
                return;
            }
            requested = true;
            upstream = subscription;
        }
        upstream.request(1);
    }

    private void forget(Message<List<String>> batch) {
        waitingRecords -= batch.getPayload().size();
        waitingBytes -= bytes(batch);
    }

    private static long bytes(Message<List<String>> batch) {
        long bytes = 0;
        for (String record : batch.getPayload()) {
            bytes += record == null ? 0 : record.length();
        }
        return bytes;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Optional<IncomingKafkaRecordBatchMetadata<?, ?>> metadata(Message<List<String>> batch) {
        Optional found = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        return found;
    }
}
