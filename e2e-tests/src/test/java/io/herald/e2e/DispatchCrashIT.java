package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.testing.WebhookReceiver.Reply;

/**
 * At-least-once across a crash: dispatch (the packaged jar, as a process) is killed with SIGKILL while it works through
 * 1,000 events, some of whose first tries fail so that retries sit in the retry tiers at that moment; restarted, it
 * delivers every event. Endpoint state and events are written straight to Kafka, as subscription and ingest would.
 */
class DispatchCrashIT {

    private static final int EVENTS = 1_000;
    /** Every tenth event's first try answers 500, so retries are scheduled when the process dies. */
    private static final int FAIL_FIRST_EVERY = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TENANT = "tenant-crash";
    private static final Path WORK = Path.of("target", "e2e-crash").toAbsolutePath();

    private static DispatchCrashStack stack;

    @BeforeAll
    static void startStack() {
        stack = DispatchCrashStack.start(WORK, "500,1000,2000", TIMEOUT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldDeliverEveryEventAtLeastOnceAcrossAKillAndRestart() throws Exception {
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        stack.receiver.respond(r -> {
            String id = r.header(WebhookHeaders.ID);
            if (Math.floorMod(id.hashCode(), FAIL_FIRST_EVERY) == 0 && failedOnce.add(id)) {
                failures.incrementAndGet();
                return Reply.status(500);
            }
            successes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return Reply.status(204);
        });
        stack.dispatch.start();

        EndpointState endpoint = EndpointState.of("ep_crash", TENANT, stack.receiver.url("/hooks/crash"),
                List.of("order.*"), true, List.of(new EndpointSecret(WebhookSecret.generate(32).encoded(), null)), 1,
                Instant.now());
        stack.publish(endpoint, "evt_crash_", EVENTS, null);

        Instant start = Instant.now();
        stack.await("a third of the events are delivered", () -> successes.size() >= EVENTS / 3,
                () -> successes.size() + " delivered");
        stack.dispatch.kill();
        int deliveredAtKill = successes.size();
        int failuresAtKill = failures.get();
        Instant killedAt = Instant.now();

        stack.dispatch.start();
        Duration restart = Duration.between(killedAt, Instant.now());
        stack.await("every event is delivered (" + EVENTS + ")", () -> successes.size() >= EVENTS,
                () -> successes.size() + " delivered");
        Duration total = Duration.between(start, Instant.now());
        Thread.sleep(2_000);

        long duplicates = successes.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1)
                .mapToLong(n -> n - 1).sum();
        System.out.printf(Locale.ROOT,
                "Crash: %d events; SIGKILL after %d delivered (%d first tries failed so far); restarted and ready in %d ms;"
                        + " all delivered %d ms after the first; duplicates %d (extra successful requests); "
                        + "failed first tries %d; dispatch log %s%n",
                EVENTS, deliveredAtKill, failuresAtKill, restart.toMillis(), total.toMillis(), duplicates,
                failures.get(), stack.dispatch.logFile());
        assertThat(successes).hasSize(EVENTS);
        assertThat(failures.get()).as("first tries that failed and were retried").isPositive();
    }
}
