package io.herald.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.utils.Utils;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.testing.KafkaTestResource;

/** Messages as ingest and subscription would write them, with unique ids and tenants per test. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String tenant() {
        return "tenant-" + UUID.randomUUID();
    }

    public static String secret() {
        return WebhookSecret.generate(32).encoded();
    }

    public static EndpointState endpoint(String tenant, String url, List<String> eventTypes, String... secrets) {
        List<EndpointSecret> live = List.of(secrets).stream().map(s -> new EndpointSecret(s, null)).toList();
        return EndpointState.of("ep_" + UUID.randomUUID(), tenant, url, eventTypes, true, live, 1, Instant.now());
    }

    public static EndpointState withSecrets(EndpointState endpoint, List<EndpointSecret> secrets) {
        return EndpointState.of(endpoint.id(), endpoint.tenant(), endpoint.url(), endpoint.eventTypes(),
                endpoint.enabled(), secrets, endpoint.version() + 1, Instant.now());
    }

    public static EndpointState disabled(EndpointState endpoint) {
        return EndpointState.of(endpoint.id(), endpoint.tenant(), endpoint.url(), endpoint.eventTypes(), false,
                endpoint.secrets(), endpoint.version() + 1, Instant.now());
    }

    public static EventMessage event(String tenant, String type) {
        return event(tenant, type, null);
    }

    /** Events sharing an ordering key land on one partition and are fanned out in order. */
    public static EventMessage event(String tenant, String type, String orderingKey) {
        ObjectNode data = Json.mapper().createObjectNode().put("orderId", UUID.randomUUID().toString()).put("total",
                42.5);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return EventMessage.of("evt_" + UUID.randomUUID(), tenant, type, data, orderingKey, now, now);
    }

    /** An endpoint whose id lands on {@code partition} of herald.deliveries (the default partitioner's choice). */
    public static EndpointState endpointOn(int partition, String tenant, String url) {
        while (true) {
            String id = "ep_" + UUID.randomUUID();
            if (partitionOf(id) == partition) {
                return EndpointState.of(id, tenant, url, List.of("order.*"), true,
                        List.of(new EndpointSecret(secret(), null)), 1, Instant.now());
            }
        }
    }

    /** The partition of herald.deliveries (and of every topic with as many partitions) a key lands on. */
    public static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % KafkaTestResource.PARTITIONS;
    }
}
