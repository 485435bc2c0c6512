package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.herald.devstack.ServiceProcess;

/**
 * What the failover tests run against a {@link DispatchReplicaStack}: one tenant's endpoints written to
 * {@code herald.endpoints}, events at a steady rate straight to {@code herald.events}, a ledger of the webhooks that
 * arrive and a {@link DeliveriesProbe} on {@code herald.deliveries}.
 */
final class ReplicaLoad implements AutoCloseable {

    final WebhookLedger ledger;
    /** The endpoints' paths at the receiver, in order ({@code /hooks/<name>/e<i>}). */
    final List<String> paths;
    /** Ids of the events Kafka acknowledged. */
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger sent = new AtomicInteger();
    final DeliveriesProbe probe;
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor();
    private final String name;
    private final String tenant;

    private ReplicaLoad(DispatchReplicaStack stack, KafkaProducer<String, String> producer, DeliveriesProbe probe,
            String name, String tenant, int endpoints) throws Exception {
        this.producer = producer;
        this.probe = probe;
        this.name = name;
        this.tenant = tenant;
        this.ledger = new WebhookLedger(stack.receiver);
        this.paths = StringProducers.endpoints(producer, stack.keyring(), stack.receiver, ledger, name, tenant,
                endpoints);
    }

    /**
     * Writes {@code endpoints} endpoints {@code ep_<name>_<i>} of {@code tenant}, starts the probe on
     * {@code deliveryGroup}'s {@code partitions}, and waits until every replica's routing table holds the endpoints.
     */
    static ReplicaLoad start(DispatchReplicaStack stack, String name, String tenant, int endpoints,
            String deliveryGroup, int partitions, Duration timeout) throws Exception {
        KafkaProducer<String, String> producer = StringProducers.to(stack.kafka.bootstrapServers());
        DeliveriesProbe probe = null;
        try {
            probe = DeliveriesProbe.start(stack.kafka.bootstrapServers(), deliveryGroup, partitions);
            ReplicaLoad load = new ReplicaLoad(stack, producer, probe, name, tenant, endpoints);
            for (ServiceProcess replica : stack.dispatch) {
                DispatchRouting.awaitEndpoints(replica, endpoints, timeout);
            }
            return load;
        } catch (Exception | Error e) {
            if (probe != null) {
                probe.close();
            }
            producer.close();
            throw e;
        }
    }

    /** Starts sending events {@code evt_<name>_<n>} at {@code perSecond}. */
    void sendEvents(int perSecond) {
        StringProducers.eventsAtRate(events, producer, name, tenant, perSecond, sent, acknowledged);
    }

    /** Stops sending and waits until Kafka answered every event sent. */
    void stopEvents() throws InterruptedException {
        events.shutdown();
        assertThat(events.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        producer.flush();
    }

    @Override
    public void close() {
        events.shutdownNow();
        probe.close();
        producer.close();
    }
}
