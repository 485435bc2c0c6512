package io.herald.e2e;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.testing.WebhookReceiver;

/**
 * A producer of string records with {@code acks=all}, for tests that write events and endpoint state straight to Kafka,
 * as ingest and subscription would.
 */
final class StringProducers {

    private StringProducers() {
    }

    static KafkaProducer<String, String> to(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /**
     * Writes {@code count} endpoints of {@code tenant} for {@code order.*} to {@code herald.endpoints}, sealed with
     * {@code keyring}: {@code ep_<name>_<i>} at the receiver's {@code /hooks/<name>/e<i>}, each with a fresh secret the
     * ledger expects. Returns their paths, in order.
     */
    static List<String> endpoints(KafkaProducer<String, String> producer, Keyring keyring, WebhookReceiver receiver,
            WebhookLedger ledger, String name, String tenant, int count) throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String path = "/hooks/" + name + "/e" + i;
            String secret = WebhookSecret.generate(32).encoded();
            ledger.expect(path, secret);
            paths.add(path);
            EndpointState endpoint = EndpointState.of("ep_" + name + "_" + i, tenant, receiver.url(path),
                    List.of("order.*"), true, List.of(new EndpointSecret(secret, null)), 1, Instant.now());
            producer.send(new ProducerRecord<>(Topics.ENDPOINTS, endpoint.id(), Json.write(endpoint.sealed(keyring))))
                    .get();
        }
        return paths;
    }

    /**
     * Sends {@code order.created} events {@code evt_<name>_<n>} of {@code tenant} at {@code perSecond} on {@code load}
     * until it is shut down, counting them in {@code sent}; the ids Kafka acknowledged go to {@code acknowledged}.
     */
    static void eventsAtRate(ScheduledExecutorService load, KafkaProducer<String, String> producer, String name,
            String tenant, int perSecond, AtomicInteger sent, Set<String> acknowledged) {
        load.scheduleAtFixedRate(() -> {
            int n = sent.getAndIncrement();
            Instant now = Instant.now();
            EventMessage event = EventMessage.of("evt_" + name + "_" + n, tenant, "order.created",
                    Json.mapper().createObjectNode().put("n", n), null, now, now);
            producer.send(new ProducerRecord<>(Topics.EVENTS, event.kafkaKey(), Json.write(event)),
                    (metadata, failure) -> {
                        if (failure == null) {
                            acknowledged.add(event.id());
                        }
                    });
        }, 0, 1_000_000L / perSecond, TimeUnit.MICROSECONDS);
    }
}
