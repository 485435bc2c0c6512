package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.devstack.ServiceProcess;

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
    private static final Path WORK = Path.of("target", "e2e-zombie").toAbsolutePath();

    private static DispatchReplicaStack stack;
    private static List<ServiceProcess> dispatch;

    @BeforeAll
    static void startStack() {
        stack = DispatchReplicaStack.start(WORK, PARTITIONS,
                Map.of("HERALD_DISPATCH_FAILOVER_SESSION_TIMEOUT_MS", Long.toString(SESSION.toMillis())));
        dispatch = stack.dispatch;
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldFanEveryEventOutExactlyOnceThroughAZombieAndACrash() throws Exception {
        try (ReplicaLoad load = ReplicaLoad.start(stack, "zombie", TENANT, ENDPOINTS, "herald-dispatch-delivery",
                PARTITIONS, TIMEOUT)) {
            WebhookLedger ledger = load.ledger;
            load.sendEvents(EVENTS_PER_SECOND);
            ServiceProcess zombie = dispatch.get(0);
            Thread.sleep(BETWEEN.toMillis());
            for (int i = 0; i < FREEZES; i++) {
                Signals.send(zombie, "STOP");
                Thread.sleep(FROZEN.toMillis());
                Signals.send(zombie, "CONT");
                Thread.sleep(BETWEEN.toMillis());
            }
            zombie.kill();
            Thread.sleep(1000);
            zombie.start();
            DispatchRouting.awaitEndpoints(zombie, ENDPOINTS, TIMEOUT);
            Thread.sleep(BETWEEN.toMillis());
            load.stopEvents();

            ledger.awaitDelivered(load.acknowledged, load.paths, TIMEOUT);
            // What fan-out committed last is read by the probe within moments of its commit.
            Thread.sleep(2000);

            Map<String, Integer> duplicates = load.probe.duplicatePairs();
            System.out.printf(Locale.ROOT,
                    "Zombie: %d events (%d acknowledged by Kafka) at %d/s to %d endpoints; replica 1 frozen %d times "
                            + "for %d ms (session %d ms), then killed and restarted; %d committed delivery records, "
                            + "%d (event, endpoint) pairs more than once %s; webhooks undelivered %d, delivered "
                            + "twice %d; fan-out batches dropped as polled outside the group: %s / %s; logs %s, %s%n",
                    load.sent.get(), load.acknowledged.size(), EVENTS_PER_SECOND, ENDPOINTS, FREEZES, FROZEN.toMillis(),
                    SESSION.toMillis(), load.probe.seen().size(), duplicates.size(),
                    duplicates.keySet().stream().limit(10).toList(), ledger.undelivered(load.acknowledged, load.paths),
                    ledger.repeated().size(), DispatchRouting.samples(zombie, "herald_fanout_outside_group"),
                    DispatchRouting.samples(dispatch.get(1), "herald_fanout_outside_group"), zombie.logFile(),
                    dispatch.get(1).logFile());

            assertThat(duplicates)
                    .as("(event, endpoint) pairs with more than one committed record in %s", Topics.DELIVERIES)
                    .isEmpty();
            assertThat(ledger.undelivered(load.acknowledged, load.paths))
                    .as("webhooks of events Kafka acknowledged that never arrived").isZero();
            assertThat(ledger.badSignatures()).isZero();
        }
    }
}
