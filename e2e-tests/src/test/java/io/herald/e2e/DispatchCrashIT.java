package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
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
    private static final Logger KAFKA_CLIENT_LOG = quiet("org.apache.kafka");
    private static final Path WORK = Path.of("target", "e2e-crash").toAbsolutePath();

    private static KafkaBroker kafka;
    private static ServiceProcess dispatch;
    private static WebhookReceiver receiver;

    private static Logger quiet(String category) {
        Logger logger = Logger.getLogger(category);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @BeforeAll
    static void startStack() {
        assertThat(ServiceProcess.jarOf("dispatch-service")).as("the packaged dispatch-service").exists();
        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka = KafkaBroker.create(WORK.resolve("kafka-" + run)).start();
        HeraldTopics.create(kafka.bootstrapServers(), 3);
        receiver = WebhookReceiver.start();
        // The same environment as the local stack (no database: dispatch keeps none), with a short retry schedule.
        dispatch = ServiceProcess.builder(ServiceEnv.DISPATCH)
                .env(new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET).envFor(ServiceEnv.DISPATCH))
                .env("HERALD_DISPATCH_RETRY_SCHEDULE_MS", "500,1000,2000")
                .logFile(WORK.resolve("logs-" + run).resolve("dispatch-service.log")).build();
    }

    @AfterAll
    static void stopStack() {
        if (receiver != null) {
            receiver.close();
        }
        if (dispatch != null) {
            dispatch.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void shouldDeliverEveryEventAtLeastOnceAcrossAKillAndRestart() throws Exception {
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        receiver.respond(r -> {
            String id = r.header(WebhookHeaders.ID);
            if (Math.floorMod(id.hashCode(), FAIL_FIRST_EVERY) == 0 && failedOnce.add(id)) {
                failures.incrementAndGet();
                return Reply.status(500);
            }
            successes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return Reply.status(204);
        });
        dispatch.start();

        try (KafkaProducer<String, String> producer = StringProducers.to(kafka.bootstrapServers())) {
            EndpointState endpoint = EndpointState.of("ep_crash", TENANT, receiver.url("/hooks/crash"),
                    List.of("order.*"), true, List.of(new EndpointSecret(WebhookSecret.generate(32).encoded(), null)),
                    1, Instant.now());
            // Sealed with the keyring dispatch was started with, as subscription would publish it.
            Keyring keyring = Keyring.parse(
                    new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET).secretsEncryptionKey(), "test");
            producer.send(new ProducerRecord<>(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring))))
                    .get();
            DispatchRouting.awaitEndpoints(dispatch, 1, TIMEOUT);
            for (int i = 0; i < EVENTS; i++) {
                ObjectNode data = Json.mapper().createObjectNode().put("n", i);
                Instant now = Instant.now();
                EventMessage event = EventMessage.of("evt_crash_" + i, TENANT, "order.created", data, null, now, now);
                producer.send(new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event)));
            }
            producer.flush();
        }

        Instant start = Instant.now();
        await("a third of the events are delivered", () -> successes.size() >= EVENTS / 3, successes::size);
        dispatch.kill();
        int deliveredAtKill = successes.size();
        int failuresAtKill = failures.get();
        Instant killedAt = Instant.now();

        dispatch.start();
        Duration restart = Duration.between(killedAt, Instant.now());
        await("every event is delivered (" + EVENTS + ")", () -> successes.size() >= EVENTS, successes::size);
        Duration total = Duration.between(start, Instant.now());
        Thread.sleep(2_000);

        long duplicates = successes.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1)
                .mapToLong(n -> n - 1).sum();
        System.out.printf(Locale.ROOT,
                "Crash: %d events; SIGKILL after %d delivered (%d first tries failed so far); restarted and ready in %d ms;"
                        + " all delivered %d ms after the first; duplicates %d (extra successful requests); "
                        + "failed first tries %d; dispatch log %s%n",
                EVENTS, deliveredAtKill, failuresAtKill, restart.toMillis(), total.toMillis(), duplicates,
                failures.get(), dispatch.logFile());
        assertThat(successes).hasSize(EVENTS);
        assertThat(failures.get()).as("first tries that failed and were retried").isPositive();
    }

    private static void await(String what, BooleanSupplier condition, IntSupplier delivered)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + TIMEOUT + " waiting until " + what + ", "
                        + delivered.getAsInt() + " delivered; dispatch log: " + dispatch.logFile() + "\n"
                        + String.join("\n", dispatch.logTail(30)));
            }
            Thread.sleep(20);
        }
    }
}
