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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
    private static final Logger KAFKA_CLIENT_LOG = quiet("org.apache.kafka");
    private static final Path WORK = Path.of("target", "e2e-ordered-crash").toAbsolutePath();

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
        dispatch = ServiceProcess.builder(ServiceEnv.DISPATCH)
                .env(new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET).envFor(ServiceEnv.DISPATCH))
                .env("HERALD_DISPATCH_RETRY_SCHEDULE_MS", "300,600,1200")
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
    void shouldNeverDeliverAWebhookBeforeAnEarlierOneSucceededAcrossAKillAndRestart() throws Exception {
        BitSet succeeded = new BitSet(EVENTS);
        Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        List<String> violations = new ArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger repeats = new AtomicInteger();
        receiver.respond(r -> {
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
        dispatch.start();

        try (KafkaProducer<String, String> producer = StringProducers.to(kafka.bootstrapServers())) {
            EndpointState endpoint = EndpointState
                    .of("ep_ordered_crash", TENANT, receiver.url("/hooks/ordered"), List.of("order.*"), true,
                            List.of(new EndpointSecret(WebhookSecret.generate(32).encoded(), null)), 1, Instant.now())
                    .withOrdered(true);
            Keyring keyring = Keyring.parse(
                    new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET).secretsEncryptionKey(), "test");
            producer.send(new ProducerRecord<>(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring))))
                    .get();
            DispatchRouting.awaitEndpoints(dispatch, 1, TIMEOUT);
            for (int i = 0; i < EVENTS; i++) {
                ObjectNode data = Json.mapper().createObjectNode().put("n", i);
                Instant now = Instant.now();
                EventMessage event = EventMessage.of("evt_ordered_" + i, TENANT, "order.created", data, "one-key", now,
                        now);
                producer.send(new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event)));
            }
            producer.flush();
        }

        await("a quarter of the webhooks succeeded", () -> count(succeeded) >= EVENTS / 4, succeeded);
        dispatch.kill();
        int atKill = count(succeeded);
        dispatch.start();
        await("every webhook succeeded (" + EVENTS + ")", () -> count(succeeded) >= EVENTS, succeeded);
        Thread.sleep(1_000);

        System.out.printf(Locale.ROOT,
                "Ordered crash: %d webhooks, SIGKILL after %d succeeded; %d requests in all, %d repeats of a webhook "
                        + "that had already succeeded, %d first tries failed; dispatch log %s%n",
                EVENTS, atKill, requests.get(), repeats.get(), failedOnce.size(), dispatch.logFile());
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

    private static void await(String what, BooleanSupplier condition, BitSet succeeded) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + TIMEOUT + " waiting until " + what + ", "
                        + count(succeeded) + " succeeded; dispatch log: " + dispatch.logFile() + "\n"
                        + String.join("\n", dispatch.logTail(30)));
            }
            Thread.sleep(20);
        }
    }
}
