package io.herald.dispatch;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until this instance has joined the fan-out and the delivery consumer groups (their first rebalance gave it
 * its share of the partitions; none, when there are more instances than partitions) and its delivery consumer caught up
 * with that share: every partition of {@code herald.deliveries} it was assigned fetched, at most
 * {@code failover.ready-lag-records} records behind. A rolling update stops the next instance only once this one is
 * ready. Ready before joining, it would take its share from the next instance and, a moment later, all of the next
 * instance's partitions at once; ready before catching up, it would take the next instance's partitions while still
 * cold and behind on its own: either way the two handovers would add up to one long pause in deliveries instead of two
 * short ones. Once ready it stays ready (a later backlog is no reason to stop a rollout), and it is ready at the latest
 * {@link #CATCH_UP_AT_MOST} after joining, so that a backlog it cannot work off alone does not stall a rollout.
 */
@Readiness
@Default
@ApplicationScoped
public class GroupMembership implements HealthCheck {

    /** The channels whose groups an instance must have joined: fan-out's and delivery's (GroupMembershipTests). */
    private static final Set<String> CHANNELS = Set.of("events-in", "deliveries-in");
    private static final String DELIVERIES = "deliveries-in";
    /** Ready this long after joining both groups, caught up or not. */
    static final Duration CATCH_UP_AT_MOST = Duration.ofSeconds(60);

    private final long readyLag;
    private final Set<String> joined = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> delivering = ConcurrentHashMap.newKeySet();
    private volatile Consumer<?, ?> deliveryConsumer;
    private volatile boolean caughtUp;
    private volatile long joinedAllAt;

    @Inject
    GroupMembership(DispatchConfig config) {
        this(config.failover().readyLagRecords());
    }

    /** Ready once caught up within {@code readyLag} records. */
    public GroupMembership(long readyLag) {
        this.readyLag = readyLag;
    }

    /** The channels whose groups must have been joined. */
    public static Set<String> channels() {
        return CHANNELS;
    }

    /** Called by a channel's rebalance listener on every assignment, empty or not. */
    public void assigned(String channel) {
        joined.add(channel);
    }

    /** Called by the delivery channel's rebalance listener, on its polling thread, with the partitions it gained. */
    public void deliveriesAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        deliveryConsumer = consumer;
        delivering.addAll(partitions);
        joined.add(DELIVERIES);
    }

    /** Called by the delivery channel's rebalance listener with the partitions it lost. */
    public void deliveriesRevoked(Collection<TopicPartition> partitions) {
        delivering.removeAll(partitions);
    }

    @Override
    public HealthCheckResponse call() {
        boolean joinedAll = joined.containsAll(CHANNELS);
        // Once caught up the lag no longer matters: the consumer's metrics are not read again.
        long lag = joinedAll && !caughtUp ? deliveryLag() : -1;
        if (joinedAll && joinedAllAt == 0) {
            joinedAllAt = System.nanoTime();
        }
        if (joinedAll && !caughtUp
                && (lag <= readyLag || System.nanoTime() - joinedAllAt > CATCH_UP_AT_MOST.toNanos())) {
            caughtUp = true;
        }
        return HealthCheckResponse.named("consumer-groups").status(joinedAll && caughtUp)
                .withData("joined", String.join(",", joined.stream().sorted().toList()))
                .withData("deliveryLag",
                        caughtUp ? "caught up" : lag == Long.MAX_VALUE ? "not fetched yet" : Long.toString(lag))
                .build();
    }

    /**
     * The largest lag, in records, of the delivery partitions this instance holds (Kafka's per-partition
     * {@code records-lag}, as of the consumer's last fetch); {@link Long#MAX_VALUE} while one of them was not fetched
     * yet, 0 when it holds none. The consumer's metrics may be read from any thread.
     */
    long deliveryLag() {
        Consumer<?, ?> consumer = deliveryConsumer;
        Set<TopicPartition> held = Set.copyOf(delivering);
        if (held.isEmpty()) {
            return 0;
        }
        if (consumer == null) {
            return Long.MAX_VALUE;
        }
        Map<TopicPartition, Double> lags = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> metric : consumer.metrics().entrySet()) {
            MetricName name = metric.getKey();
            if (!"records-lag".equals(name.name()) || !"consumer-fetch-manager-metrics".equals(name.group())) {
                continue;
            }
            String topic = name.tags().get("topic");
            String partition = name.tags().get("partition");
            if (topic != null && partition != null && metric.getValue().metricValue() instanceof Double value
                    && !value.isNaN()) {
                lags.put(new TopicPartition(topic, Integer.parseInt(partition)), value);
            }
        }
        long largest = 0;
        for (TopicPartition partition : held) {
            Double lag = lags.get(partition);
            if (lag == null) {
                return Long.MAX_VALUE;
            }
            largest = Math.max(largest, lag.longValue());
        }
        return largest;
    }
}
