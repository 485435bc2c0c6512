package io.herald.dispatch.delivery;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.herald.dispatch.GroupMembership;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells {@link OrderedDeliveries} when the {@code deliveries-in} consumer loses partitions, so that an instance stops
 * sending the ordered queues of partitions another instance now owns, and {@link GroupMembership} when it joined its
 * group (channel setting {@code consumer-rebalance-listener.name=herald-deliveries}).
 */
@ApplicationScoped
@Identifier("herald-deliveries")
public class OrderedRebalanceListener implements KafkaConsumerRebalanceListener {

    private final OrderedDeliveries ordered;
    private final GroupMembership membership;

    OrderedRebalanceListener(OrderedDeliveries ordered, GroupMembership membership) {
        this.ordered = ordered;
        this.membership = membership;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        membership.deliveriesAssigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ordered.revoked(partitions.stream().map(TopicPartition::partition).toList());
        membership.deliveriesRevoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }
}
