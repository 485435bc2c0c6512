package io.herald.dispatch.fanout;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.dispatch.GroupMembership;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * Where the fan-out consumer reads {@code herald.events} from, and which polled batches come from before it was set
 * back to its committed offsets.
 * <p>
 * After an aborted fan-out transaction the consumer is set back to the last committed offsets, so the batch's events
 * are read again. Batches polled before that may still be on their way to fan-out (the connector hands batches on
 * before the one in progress is done): such a batch starts past the aborted one, and committing its offsets would skip
 * the aborted batch's events for good. This remembers, per partition, the offset the consumer was set back to, and
 * tells such a batch apart: it starts past that offset. A batch that starts at it (or before) was polled after the
 * rewind; the partition is then in step again. With the cooperative assignor a partition keeps its fetch position
 * through a rebalance, so a rebalance aborting the transaction in progress leaves such batches behind every time.
 * <p>
 * Also the channel's rebalance listener ({@code consumer-rebalance-listener.name=herald-fanout}): a partition this
 * instance no longer owns is forgotten, since its next owner moves its committed offset on; an assignment tells
 * {@link GroupMembership} that the instance joined the fan-out group, and has {@link OrphanedTransactions} abort what a
 * departed replica left open.
 */
@ApplicationScoped
@Default
@Identifier("herald-fanout")
public class FanOutPositions implements KafkaConsumerRebalanceListener {

    private final KafkaClientService clients;
    private final GroupMembership membership;
    private final OrphanedTransactions orphans;
    /** Per partition, the offset the consumer was set back to, until a batch read from there arrives. */
    private final Map<TopicPartition, Long> rewoundTo = new HashMap<>();

    FanOutPositions(KafkaClientService clients, GroupMembership membership, OrphanedTransactions orphans) {
        this.clients = clients;
        this.membership = membership;
        this.orphans = orphans;
    }

    /** Sets the consumer back to the last committed offsets and remembers them. */
    Uni<Void> rewind() {
        return consumer().resetToLastCommittedPositions().chain(() -> rewound());
    }

    /**
     * Remembers the committed offsets the consumer was just set back to (SmallRye's connector sets it back itself after
     * it aborts a transaction that carried a batch's offsets).
     */
    Uni<Void> rewound() {
        return consumer().runOnPollingThread(consumer -> {
            // On the polling thread, as the rebalance listener: a partition is remembered only while it is owned.
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            Map<TopicPartition, Long> positions = new HashMap<>();
            List<TopicPartition> fromTheStart = assigned.stream().filter(p -> committed.get(p) == null).toList();
            if (!fromTheStart.isEmpty()) {
                positions.putAll(consumer.beginningOffsets(fromTheStart));
            }
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    positions.put(partition, offset.offset());
                }
            });
            remember(positions);
        }).replaceWithVoid();
    }

    synchronized void remember(Map<TopicPartition, Long> positions) {
        rewoundTo.putAll(positions);
    }

    /**
     * Whether the batch was polled before the consumer was last set back: for a partition set back, it starts past the
     * offset it was set back to. Otherwise its partitions are in step again.
     */
    boolean polledBeforeRewind(Message<?> batch) {
        synchronized (this) {
            if (rewoundTo.isEmpty()) {
                // No rewind outstanding: every batch is in step, nothing to read from its records.
                return false;
            }
        }
        return polledBeforeRewind(firstOffsets(batch));
    }

    synchronized boolean polledBeforeRewind(Map<TopicPartition, Long> firstOffsets) {
        for (Map.Entry<TopicPartition, Long> first : firstOffsets.entrySet()) {
            Long rewound = rewoundTo.get(first.getKey());
            if (rewound != null && first.getValue() > rewound) {
                return true;
            }
        }
        firstOffsets.keySet().forEach(rewoundTo::remove);
        return false;
    }

    /** Whether the consumer's group generation is another than {@code generation} (false when it cannot tell). */
    Uni<Boolean> rebalancedSince(int generation) {
        return consumer().consumerGroupMetadata().map(group -> group.generationId() != generation).onFailure()
                .recoverWithItem(false);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (membership != null) {
            membership.assigned(FanOut.CHANNEL);
        }
        if (orphans != null && !partitions.isEmpty()) {
            // Partitions came from a replica that joined, left or died: a transaction it left open blocks delivery.
            orphans.check();
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(rewoundTo::remove);
    }

    private KafkaConsumer<Object, Object> consumer() {
        return clients.getConsumer(FanOut.CHANNEL);
    }

    /** The first offset of each partition in a polled batch. */
    static Map<TopicPartition, Long> firstOffsets(Message<?> batch) {
        @SuppressWarnings("rawtypes")
        Optional<IncomingKafkaRecordBatchMetadata> metadata = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        Map<TopicPartition, Long> first = new HashMap<>();
        metadata.ifPresent(m -> {
            for (Object record : m.getRecords()) {
                ConsumerRecord<?, ?> polled = (ConsumerRecord<?, ?>) record;
                first.merge(new TopicPartition(polled.topic(), polled.partition()), polled.offset(), Math::min);
            }
        });
        return first;
    }
}
