package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.auth.EndpointCredentials;
import io.herald.dispatch.guard.FailingEndpoints;
import io.herald.dispatch.http.EgressRefusedException;
import io.herald.dispatch.http.HostBusyException;
import io.herald.dispatch.http.WebhookResponse;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.dispatch.tracing.DispatchTracing;
import io.smallrye.mutiny.Uni;

/**
 * One attempt at one due delivery: the endpoint looked up in the routing table (a delivery for an unknown, foreign,
 * disabled or secretless endpoint is recorded without a request), the {@link EndpointGuards}, then the signed POST
 * ({@link WebhookRequest}, sent over the endpoint's own connections with its credentials: {@link EndpointCredentials}),
 * and its outcome handed to the {@link OutcomePolicy}.
 */
@ApplicationScoped
class DeliveryAttempts {

    private final RoutingTable table;
    private final FailingEndpoints failing;
    private final EndpointGuards guards;
    private final EndpointCredentials http;
    private final OutcomePolicy outcomes;
    private final DispatchTracing tracing;
    private final Clock clock;

    DeliveryAttempts(RoutingTable table, FailingEndpoints failing, EndpointGuards guards, EndpointCredentials http,
            OutcomePolicy outcomes, DispatchTracing tracing, Clock clock) {
        this.table = table;
        this.failing = failing;
        this.guards = guards;
        this.http = http;
        this.outcomes = outcomes;
        this.tracing = tracing;
        this.clock = clock;
    }

    /**
     * Handles one delivery that is due, retries and postponements going to a retry tier; completes once every record it
     * led to was acknowledged by Kafka.
     */
    Uni<Void> deliver(DeliveryMessage delivery) {
        return deliver(delivery, outcomes.toRetryTier());
    }

    /** Handles one delivery that is due; whatever must wait (a retry, a postponement) goes to {@code later}. */
    Uni<Void> deliver(DeliveryMessage delivery, OutcomePolicy.HandOff later) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            failing.learn(delivery.endpointId(), delivery.failingSince());
            Optional<EndpointState> found = table.get(delivery.endpointId());
            if (found.isEmpty()) {
                return outcomes.dropped(delivery, now, "Endpoint deleted or unknown; delivery dropped");
            }
            EndpointState endpoint = found.get();
            if (!endpoint.tenant().equals(delivery.tenant())) {
                return outcomes.dropped(delivery, now, "Endpoint belongs to another tenant; delivery dropped");
            }
            if (!endpoint.enabled()) {
                return outcomes.endpointDisabled(delivery, now);
            }
            if (WebhookRequest.liveSecrets(endpoint, now).isEmpty()) {
                return outcomes.dropped(delivery, now, "Endpoint has no live signing secret; delivery dropped");
            }
            return guards.pass(delivery, endpoint, later, () -> send(delivery, endpoint, later));
        });
    }

    private Uni<Void> send(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later) {
        Instant attemptedAt = clock.instant();
        WebhookRequest request = WebhookRequest.of(delivery, endpoint, attemptedAt);
        String attemptId = tracing.startAttempt(delivery, endpoint);
        return http.post(endpoint, tracing.requestHeaders(request.headers(), attemptId, endpoint), request.body())
                .onItemOrFailure().transformToUni((response, failure) -> {
                    if (failure == null) {
                        return outcomes.concluded(delivery, endpoint, attemptedAt, response, later);
                    }
                    if (failure instanceof EgressRefusedException) {
                        return outcomes.refused(delivery, endpoint, attemptedAt, failure.getMessage());
                    }
                    if (failure instanceof HostBusyException) {
                        return guards.hostBusy(delivery, endpoint, later);
                    }
                    return outcomes.concluded(delivery, endpoint, attemptedAt,
                            new WebhookResponse(null, null, describe(failure), 0), later);
                }).eventually(() -> tracing.endAttempt(attemptId));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
