package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;

/**
 * What the crash tests share: a broker, a webhook receiver and the packaged dispatch as a process (not started), with
 * the local stack's environment (no database: dispatch keeps none) and a short retry schedule. Endpoint state and
 * events are written straight to Kafka, as subscription and ingest would.
 */
final class DispatchCrashStack implements AutoCloseable {

    /** The test's own Kafka clients print their whole configuration at INFO; dispatch logs to a file. */
    private static final Logger KAFKA_CLIENT_LOG = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_CLIENT_LOG.setLevel(Level.WARNING);
    }

    final KafkaBroker kafka;
    final WebhookReceiver receiver;
    final ServiceProcess dispatch;
    private final Duration timeout;

    private DispatchCrashStack(Path work, String retryScheduleMs, Duration timeout) {
        assertThat(ServiceProcess.jarOf("dispatch-service")).as("the packaged dispatch-service").exists();
        String run = UUID.randomUUID().toString().substring(0, 8);
        this.timeout = timeout;
        this.kafka = KafkaBroker.create(work.resolve("kafka-" + run)).start();
        HeraldTopics.create(kafka.bootstrapServers(), 3);
        this.receiver = WebhookReceiver.start();
        this.dispatch = ServiceProcess.builder(ServiceEnv.DISPATCH).env(env().envFor(ServiceEnv.DISPATCH))
                .env("HERALD_DISPATCH_RETRY_SCHEDULE_MS", retryScheduleMs)
                .logFile(work.resolve("logs-" + run).resolve("dispatch-service.log")).build();
    }

    static DispatchCrashStack start(Path work, String retryScheduleMs, Duration timeout) {
        return new DispatchCrashStack(work, retryScheduleMs, timeout);
    }

    /**
     * Publishes {@code endpoint} sealed with the keyring dispatch was started with, as subscription would, waits until
     * dispatch routes to it, then writes the events {@code 0..count-1} ({@code data.n} = i) of type
     * {@code order.created} with ids {@code idPrefix + i} and {@code orderingKey}.
     */
    void publish(EndpointState endpoint, String idPrefix, int count, String orderingKey) throws Exception {
        try (KafkaProducer<String, String> producer = StringProducers.to(kafka.bootstrapServers())) {
            Keyring keyring = Keyring.parse(env().secretsEncryptionKey(), "test");
            producer.send(new ProducerRecord<>(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring))))
                    .get();
            DispatchRouting.awaitEndpoints(dispatch, 1, timeout);
            for (int i = 0; i < count; i++) {
                ObjectNode data = Json.mapper().createObjectNode().put("n", i);
                Instant now = Instant.now();
                EventMessage event = EventMessage.of(idPrefix + i, endpoint.tenant(), "order.created", data,
                        orderingKey, now, now);
                producer.send(new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event)));
            }
            producer.flush();
        }
    }

    /** Waits until {@code condition} holds; on timeout fails with {@code progress} and the tail of dispatch's log. */
    void await(String what, BooleanSupplier condition, Supplier<String> progress) {
        try {
            Awaitility.await(what).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + timeout + " waiting until " + what + ", " + progress.get()
                    + "; dispatch log: " + dispatch.logFile() + "\n" + String.join("\n", dispatch.logTail(30)), e);
        }
    }

    @Override
    public void close() {
        receiver.close();
        dispatch.stop();
        kafka.stop();
    }

    private ServiceEnv env() {
        return new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET);
    }
}
