package io.herald.dispatch.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.contracts.signing.WebhookSigner;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.http.WebhookHttpClient;
import io.herald.dispatch.http.WebhookResponse;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Stage 2: delivers each record of {@code herald.deliveries} to its endpoint as a signed POST, writes one attempt
 * record to {@code herald.attempts} per try, and acknowledges the delivery only after that record was acknowledged.
 * <p>
 * Deliveries are processed concurrently (up to {@code herald.dispatch.delivery.concurrency}), also within a partition;
 * the {@code throttled} commit strategy commits an offset only once every record before it was acknowledged. Like
 * fan-out, the channel is subscribed only once the routing table is loaded, or deliveries to endpoints not yet read
 * would be dropped as unknown.
 * <p>
 * Every failure is final for now ({@link AttemptOutcome#EXHAUSTED} with the error): retry tiers, circuit breakers, rate
 * limits, the SSRF guard and the dead-letter topic plug into {@link #attempt(DeliveryMessage)} and the classification
 * of its response.
 */
@ApplicationScoped
public class DeliveryProcessor {

    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);

    private final Multi<Message<String>> deliveries;
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final WebhookHttpClient http;
    private final AttemptPublisher attempts;
    private final Clock clock;
    private final int concurrency;
    private final MeterRegistry registry;

    DeliveryProcessor(@Channel("deliveries-in") Multi<Message<String>> deliveries, EndpointStateConsumer routing,
            RoutingTable table, WebhookHttpClient http, AttemptPublisher attempts, Clock clock, DispatchConfig config,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.routing = routing;
        this.table = table;
        this.http = http;
        this.attempts = attempts;
        this.clock = clock;
        this.concurrency = config.delivery().concurrency();
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        routing.whenLoaded().thenRun(this::consume);
    }

    /** One try of a delivery: a signed POST, or a drop when its endpoint can no longer receive it. Never fails. */
    public Uni<AttemptMessage> attempt(DeliveryMessage delivery) {
        Instant now = clock.instant();
        Optional<EndpointState> found = table.get(delivery.endpointId());
        if (found.isEmpty()) {
            return dropped(delivery, now, "Endpoint deleted or unknown; delivery dropped");
        }
        EndpointState endpoint = found.get();
        if (!endpoint.tenant().equals(delivery.tenant())) {
            return dropped(delivery, now, "Endpoint belongs to another tenant; delivery dropped");
        }
        if (!endpoint.enabled()) {
            return dropped(delivery, now, "Endpoint disabled; delivery dropped");
        }
        List<WebhookSecret> secrets = liveSecrets(endpoint, now);
        if (secrets.isEmpty()) {
            return dropped(delivery, now, "Endpoint has no live signing secret; delivery dropped");
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        Map<String, String> headers = Map.of("Content-Type", "application/json", WebhookHeaders.ID,
                delivery.webhookId(), WebhookHeaders.TIMESTAMP, Long.toString(timestamp), WebhookHeaders.SIGNATURE,
                WebhookSigner.signatureHeader(secrets, delivery.webhookId(), timestamp, body));
        return http.post(endpoint.url(), headers, body).map(response -> record(delivery, now, response));
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.DELIVERIES);
        deliveries.onItem().transformToUni(this::process).merge(concurrency).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "Delivery stopped consuming %s", Topics.DELIVERIES));
    }

    private Uni<Void> process(Message<String> message) {
        DeliveryMessage delivery = read(message.getPayload());
        if (delivery == null) {
            return Uni.createFrom().completionStage(message::ack);
        }
        return attempt(delivery).call(attempts::publish).invoke(this::count)
                .chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure().recoverWithUni(failure -> {
                    // The attempt record could not be written: with failure-strategy=fail the channel stops (liveness
                    // DOWN) and the delivery is consumed again after a restart.
                    LOG.errorf(failure, "Recording the attempt of delivery %s failed", delivery.id());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
    }

    private AttemptMessage record(DeliveryMessage delivery, Instant attemptedAt, WebhookResponse response) {
        Timer.builder("herald.delivery.http").description("Webhook POSTs, from send to end of response")
                .tag("success", Boolean.toString(response.isSuccess())).register(registry)
                .record(response.latencyMs(), TimeUnit.MILLISECONDS);
        if (response.isSuccess()) {
            return attemptRecord(delivery, attemptedAt, AttemptOutcome.SUCCEEDED, response, null);
        }
        String error = response.error() != null ? response.error() : "HTTP " + response.statusCode();
        return attemptRecord(delivery, attemptedAt, AttemptOutcome.EXHAUSTED, response, error);
    }

    private Uni<AttemptMessage> dropped(DeliveryMessage delivery, Instant now, String reason) {
        LOG.debugf("Dropping delivery %s: %s", delivery.id(), reason);
        return Uni.createFrom().item(attemptRecord(delivery, now, AttemptOutcome.EXHAUSTED,
                new WebhookResponse(null, null, null, 0), reason));
    }

    private static AttemptMessage attemptRecord(DeliveryMessage delivery, Instant attemptedAt, AttemptOutcome outcome,
            WebhookResponse response, String error) {
        int attempt = delivery.attempts() + 1;
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery.id(), attempt),
                delivery.id(), delivery.webhookId(), delivery.tenant(), delivery.endpointId(), delivery.eventId(),
                delivery.eventType(), attempt, outcome, response.statusCode(), response.latencyMs(), error,
                response.bodyExcerpt(), attemptedAt, null);
    }

    private void count(AttemptMessage attempt) {
        Counter.builder("herald.delivery.attempts").description("Delivery attempts recorded, by outcome")
                .tag("outcome", attempt.outcome().name()).register(registry).increment();
    }

    private static List<WebhookSecret> liveSecrets(EndpointState endpoint, Instant now) {
        List<WebhookSecret> secrets = new ArrayList<>();
        for (EndpointSecret secret : endpoint.secrets() == null ? List.<EndpointSecret> of() : endpoint.secrets()) {
            if (secret.liveAt(now)) {
                try {
                    secrets.add(WebhookSecret.parse(secret.secret()));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("Endpoint %s has an unreadable secret; not signing with it", endpoint.id());
                }
            }
        }
        return secrets;
    }

    private static DeliveryMessage read(String json) {
        try {
            if (json == null) {
                throw new IllegalArgumentException("no value");
            }
            DeliveryMessage delivery = Json.read(json, DeliveryMessage.class);
            if (delivery.id() == null || delivery.endpointId() == null || delivery.tenant() == null
                    || delivery.webhookId() == null || delivery.payload() == null) {
                throw new IllegalArgumentException("id, endpointId, tenant, webhookId and payload are required");
            }
            return delivery;
        } catch (IllegalArgumentException e) {
            // Poison records are skipped so they cannot stall the partition; a dead-letter topic comes with retries.
            LOG.warnf("Skipping an unreadable delivery on %s: %s", Topics.DELIVERIES, e.getMessage());
            return null;
        }
    }
}
