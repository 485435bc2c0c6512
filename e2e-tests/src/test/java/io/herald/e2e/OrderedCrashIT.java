package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.testing.WebhookReceiver.Reply;

/**
 * Ordered delivery across a crash: the packaged dispatch, as a process, is killed with SIGKILL while it works through
 * the webhooks of an endpoint with {@code ordered: true}, some of whose first tries fail (retries waiting in place at
 * that moment); restarted, it goes on. No webhook ever arrives before every earlier one has succeeded (a webhook that
 * already arrived may arrive again: at-least-once), and none is lost. Endpoint state and events are written straight to
 * Kafka, as subscription and ingest would, with one ordering key.
 */
class OrderedCrashIT {

    private static final int EVENTS = 400;
    /** Every seventh event's first try answers 503. */
    private static final int FAIL_FIRST_EVERY = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String TENANT = "tenant-ordered-crash";
    private static final Path WORK = Path.of("target", "e2e-ordered-crash").toAbsolutePath();

    private static DispatchCrashStack stack;

    @BeforeAll
    static void startStack() {
        stack = DispatchCrashStack.start(WORK, "300,600,1200", TIMEOUT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldNeverDeliverAWebhookBeforeAnEarlierOneSucceededAcrossAKillAndRestart() throws Exception {
        BitSet succeeded = new BitSet(EVENTS);
        Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        List<String> violations = new ArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger repeats = new AtomicInteger();
        stack.receiver.respond(r -> {
            int n = Json.read(r.body(), ObjectNode.class).path("data").path("n").asInt();
            synchronized (succeeded) {
                requests.incrementAndGet();
                int missing = succeeded.nextClearBit(0);
                if (missing < n) {
                    violations.add("webhook " + n + " (" + r.header(WebhookHeaders.ID) + ") arrived before webhook "
                            + missing + " had succeeded");
                }
                if (succeeded.get(n)) {
                    repeats.incrementAndGet();
                }
                if (n % FAIL_FIRST_EVERY == 0 && failedOnce.add(n)) {
                    return Reply.status(503);
                }
                succeeded.set(n);
            }
            try {
                // A receiver of a few milliseconds, so the kill lands mid-stream.
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.status(204);
        });
        stack.dispatch.start();

        EndpointState endpoint = EndpointState
                .of("ep_ordered_crash", TENANT, stack.receiver.url("/hooks/ordered"), List.of("order.*"), true,
                        List.of(new EndpointSecret(WebhookSecret.generate(32).encoded(), null)), 1, Instant.now())
                .withOrdered(true);
        stack.publish(endpoint, "evt_ordered_", EVENTS, "one-key");

        stack.await("a quarter of the webhooks succeeded", () -> count(succeeded) >= EVENTS / 4,
                () -> count(succeeded) + " succeeded");
        stack.dispatch.kill();
        int atKill = count(succeeded);
        stack.dispatch.start();
        stack.await("every webhook succeeded (" + EVENTS + ")", () -> count(succeeded) >= EVENTS,
                () -> count(succeeded) + " succeeded");
        Thread.sleep(1_000);

        System.out.printf(Locale.ROOT,
                "Ordered crash: %d webhooks, SIGKILL after %d succeeded; %d requests in all, %d repeats of a webhook "
                        + "that had already succeeded, %d first tries failed; dispatch log %s%n",
                EVENTS, atKill, requests.get(), repeats.get(), failedOnce.size(), stack.dispatch.logFile());
        synchronized (succeeded) {
            assertThat(violations).isEmpty();
            assertThat(count(succeeded)).isEqualTo(EVENTS);
        }
        assertThat(atKill).isLessThan(EVENTS);
    }

    private static int count(BitSet succeeded) {
        synchronized (succeeded) {
            return succeeded.cardinality();
        }
    }
}
