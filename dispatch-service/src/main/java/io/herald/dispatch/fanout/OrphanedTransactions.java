package io.herald.dispatch.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * Aborts the fan-out transactions a vanished replica left open, as soon as its partitions are handed to the others.
 * <p>
 * A replica killed in a fan-out transaction leaves it open; every {@code read_committed} reader of the partitions it
 * wrote to ({@code herald.deliveries}: every replica's deliveries, not only its own) waits behind it until the broker
 * aborts it at its timeout ({@code failover.transaction-timeout-ms}), or until a replica with the same transactional id
 * starts. Under a Deployment a replaced pod gets another name, so no one ever does.
 * <p>
 * Each replica's fan-out consumer carries its fan-out transactional id as its client id
 * ({@code herald-dispatch-fanout-<pod>}). When this replica is assigned fan-out partitions (a replica joined, left or
 * died), this looks, off the polling thread, for ongoing transactions of that prefix whose id is not a member of the
 * fan-out group, and fences each by initialising a producer with its id, which makes the coordinator abort it at once.
 * A replica still in the group is never fenced (nor anyone, while a member's client id does not say its transactional
 * id, as during a rolling update from a version before this); one that was not (a frozen replica the group already
 * dropped) would have its transaction refused at commit anyway, its offsets carrying a generation of the group it is no
 * longer in.
 */
@ApplicationScoped
public class OrphanedTransactions {

    /** The prefix of every replica's fan-out transactional id, which is also its fan-out consumer's client id. */
    public static final String ID_PREFIX = "herald-dispatch-fanout-";

    private static final Logger LOG = Logger.getLogger(OrphanedTransactions.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> kafkaConfig;
    private final String prefix;
    private final String group;
    private final String ownId;
    private final Counter fenced;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "herald-fanout-orphans");
        thread.setDaemon(true);
        return thread;
    });
    /** Set while a look is queued and not yet started: assignments arriving meanwhile need no other look. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private Admin admin;

    @Inject
    OrphanedTransactions(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "mp.messaging.incoming.events-in.group.id") String group,
            @ConfigProperty(name = "mp.messaging.outgoing.deliveries-out.transactional.id") String ownId,
            MeterRegistry registry) {
        this(kafkaConfig, ID_PREFIX, group, ownId, registry);
    }

    /** Fences transactions whose id starts with {@code prefix} and no member of {@code group} carries. */
    OrphanedTransactions(Map<String, Object> kafkaConfig, String prefix, String group, String ownId,
            MeterRegistry registry) {
        this.kafkaConfig = kafkaConfig;
        this.prefix = prefix;
        this.group = group;
        this.ownId = ownId;
        this.fenced = Counter.builder("herald.fanout.orphans.fenced")
                .description("Fan-out transactions a replica no longer in the fan-out group left open, aborted by "
                        + "fencing its transactional id")
                .register(registry);
    }

    /** Looks for orphaned transactions soon, on a thread of its own; returns at once. */
    void check() {
        if (queued.compareAndSet(false, true)) {
            worker.execute(() -> {
                queued.set(false);
                try {
                    fenceOrphans();
                } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
                    LOG.warnf("Could not look for fan-out transactions left open by departed replicas: %s", e);
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    /**
     * Fences every ongoing fan-out transaction whose replica is not in the fan-out group.
     *
     * @return the transactional ids fenced
     */
    List<String> fenceOrphans() throws InterruptedException, ExecutionException, TimeoutException {
        Admin client = admin();
        List<String> orphans = orphans(client);
        if (orphans.isEmpty()) {
            return orphans;
        }
        Set<String> members = members(client);
        if (!members.stream().allMatch(id -> id.startsWith(prefix))) {
            // A member that does not name its transactional id (a replica of an earlier version, during a rolling
            // update): which transactions are its own cannot be told, so none is fenced.
            LOG.debugf("Not fencing %s: the fan-out group has members without a fan-out id (%s)", orphans, members);
            return List.of();
        }
        List<String> done = new ArrayList<>();
        for (String id : orphans) {
            if (!members.contains(id)) {
                fence(id);
                done.add(id);
            }
        }
        return done;
    }

    private List<String> orphans(Admin client) throws InterruptedException, ExecutionException, TimeoutException {
        return client
                .listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING))
                        .timeoutMs((int) TIMEOUT.toMillis()))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream().map(TransactionListing::transactionalId)
                .filter(id -> id.startsWith(prefix) && !id.equals(ownId)).toList();
    }

    private Set<String> members(Admin client) throws InterruptedException, ExecutionException, TimeoutException {
        ConsumerGroupDescription description = client.describeConsumerGroups(List.of(group)).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group);
        return description.members().stream().map(MemberDescription::clientId).collect(Collectors.toSet());
    }

    /** Initialising a producer with the id bumps its epoch: the coordinator aborts the open transaction first. */
    private void fence(String transactionalId) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().retainAll(ProducerConfig.configNames());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-dispatch-fencing");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
        }
        fenced.increment();
        LOG.infof("Aborted the fan-out transaction of %s: it left the fan-out group with the transaction open",
                transactionalId);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(kafkaConfig);
            config.keySet().retainAll(AdminClientConfig.configNames());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-dispatch-orphans");
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        worker.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
