package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.secrets.Keyring;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;

/**
 * Fan-out stays exactly once when a dispatch replica becomes a zombie and when it crashes: two replicas (packaged jars,
 * as processes) under a steady load; replica 1 is frozen (SIGSTOP) past its group session a few times, so the group
 * expels it and replica 2 takes its partitions while its fan-out transaction and poll are suspended, then thawed
 * (SIGCONT), and finally killed (SIGKILL) and started again under the same name. Every (event, endpoint) pair must have
 * exactly one committed record in {@code herald.deliveries} (read as {@code read_committed}, as dispatch reads it) and
 * every event Kafka acknowledged must reach every endpoint. Short sessions (2 s) keep it quick; the scale-out suite
 * found 33-69 pairs written twice through the same faults (docs/benchmarks.md).
 */
class DispatchZombieIT {

    private static final int PARTITIONS = 6;
    private static final int ENDPOINTS = 4;
    private static final int EVENTS_PER_SECOND = 20;
    private static final Duration SESSION = Duration.ofSeconds(2);
    /** Past the session: the group expels the frozen replica. */
    private static final Duration FROZEN = SESSION.plusSeconds(2);
    private static final int FREEZES = 5;
    /** Load between the faults. */
    private static final Duration BETWEEN = Duration.ofSeconds(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TENANT = "tenant-zombie";
    private static final Logger KAFKA_CLIENT_LOG = quiet("org.apache.kafka");
    private static final Path WORK = Path.of("target", "e2e-zombie").toAbsolutePath();

    private static KafkaBroker kafka;
    private static WebhookReceiver receiver;
    private static List<ServiceProcess> dispatch;

    private static Logger quiet(String category) {
        Logger logger = Logger.getLogger(category);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @BeforeAll
    static void startStack() {
        assertThat(ServiceProcess.jarOf(ServiceEnv.DISPATCH)).as("the packaged dispatch-service").exists();
        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka = KafkaBroker.create(WORK.resolve("kafka-" + run)).start();
        HeraldTopics.create(kafka.bootstrapServers(), PARTITIONS);
        receiver = WebhookReceiver.start();
        Map<String, String> env = new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET)
                .envFor(ServiceEnv.DISPATCH);
        dispatch = ServiceStack.dispatchReplicas(2, env,
                Map.of("HERALD_DISPATCH_FAILOVER_SESSION_TIMEOUT_MS", Long.toString(SESSION.toMillis())),
                WORK.resolve("logs-" + run));
        ServiceStack.startAll(dispatch);
    }

    @AfterAll
    static void stopStack() {
        if (dispatch != null) {
            dispatch.forEach(ServiceProcess::stop);
        }
        if (receiver != null) {
            receiver.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void shouldFanEveryEventOutExactlyOnceThroughAZombieAndACrash() throws Exception {
        WebhookLedger ledger = new WebhookLedger(receiver);
        List<String> paths = new ArrayList<>();
        Keyring keyring = Keyring.parse(
                new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET).secretsEncryptionKey(), "test");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = StringProducers.to(kafka.bootstrapServers());
                DeliveriesProbe probe = DeliveriesProbe.start(kafka.bootstrapServers(), "herald-dispatch-delivery",
                        PARTITIONS)) {
            paths.addAll(StringProducers.endpoints(producer, keyring, receiver, ledger, "zombie", TENANT, ENDPOINTS));
            for (ServiceProcess replica : dispatch) {
                DispatchRouting.awaitEndpoints(replica, ENDPOINTS, TIMEOUT);
            }

            StringProducers.eventsAtRate(load, producer, "zombie", TENANT, EVENTS_PER_SECOND, sent, acknowledged);
            ServiceProcess zombie = dispatch.get(0);
            Thread.sleep(BETWEEN.toMillis());
            for (int i = 0; i < FREEZES; i++) {
                signal(zombie, "STOP");
                Thread.sleep(FROZEN.toMillis());
                signal(zombie, "CONT");
                Thread.sleep(BETWEEN.toMillis());
            }
            zombie.kill();
            Thread.sleep(1000);
            zombie.start();
            DispatchRouting.awaitEndpoints(zombie, ENDPOINTS, TIMEOUT);
            Thread.sleep(BETWEEN.toMillis());
            load.shutdown();
            assertThat(load.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            producer.flush();

            Instant deadline = Instant.now().plus(TIMEOUT);
            while (undelivered(ledger, paths, acknowledged) > 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
            }
            // What fan-out committed last is read by the probe within moments of its commit.
            Thread.sleep(2000);

            Map<String, Integer> duplicates = probe.duplicatePairs();
            System.out.printf(Locale.ROOT,
                    "Zombie: %d events (%d acknowledged by Kafka) at %d/s to %d endpoints; replica 1 frozen %d times "
                            + "for %d ms (session %d ms), then killed and restarted; %d committed delivery records, "
                            + "%d (event, endpoint) pairs more than once %s; webhooks undelivered %d, delivered "
                            + "twice %d; fan-out batches dropped as polled outside the group: %s / %s; logs %s, %s%n",
                    sent.get(), acknowledged.size(), EVENTS_PER_SECOND, ENDPOINTS, FREEZES, FROZEN.toMillis(),
                    SESSION.toMillis(), probe.seen().size(), duplicates.size(),
                    duplicates.keySet().stream().limit(10).toList(), undelivered(ledger, paths, acknowledged),
                    ledger.repeated().size(), DispatchRouting.samples(zombie, "herald_fanout_outside_group"),
                    DispatchRouting.samples(dispatch.get(1), "herald_fanout_outside_group"), zombie.logFile(),
                    dispatch.get(1).logFile());

            assertThat(duplicates)
                    .as("(event, endpoint) pairs with more than one committed record in %s", Topics.DELIVERIES)
                    .isEmpty();
            assertThat(undelivered(ledger, paths, acknowledged))
                    .as("webhooks of events Kafka acknowledged that never arrived").isZero();
            assertThat(ledger.badSignatures()).isZero();
        } finally {
            load.shutdownNow();
        }
    }

    private static long undelivered(WebhookLedger ledger, List<String> paths, Set<String> acknowledged) {
        return acknowledged.stream()
                .mapToLong(id -> paths.stream().filter(path -> ledger.receipt(path, id) == null).count()).sum();
    }

    private static void signal(ServiceProcess replica, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(replica.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", signal, replica.pid())
                .isTrue();
    }
}
