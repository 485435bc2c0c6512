package io.herald.dispatch.operational;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.EndpointFailing;
import io.herald.contracts.messages.OperationalEvents.EndpointRecovered;
import io.herald.contracts.messages.ReceiverText;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.routing.RoutingTable;

/**
 * Tells a tenant when one of its endpoints starts failing and when it recovers, from its circuit breaker: the breaker
 * opening (its failure rate over the window crossed {@code breaker.failure-rate-percent}, or
 * {@code breaker.consecutive-failures} requests failed in a row) is {@code herald.endpoint.failing}; the breaker
 * closing again after that (a probe succeeded) is {@code herald.endpoint.recovered}. A probe that fails and opens the
 * breaker again says nothing new. The breaker is held by the instance owning the endpoint's partition, so one instance
 * speaks for each endpoint.
 */
@ApplicationScoped
public class EndpointHealthEvents {

    private static final Logger LOG = Logger.getLogger(EndpointHealthEvents.class);

    private final OperationalEventPublisher publisher;
    private final RoutingTable table;
    private final Clock clock;
    private final boolean enabled;
    private final Duration open;

    EndpointHealthEvents(OperationalEventPublisher publisher, RoutingTable table, Clock clock,
            OperationalEventsConfig config, DeliveryPolicyConfig policy) {
        this.publisher = publisher;
        this.table = table;
        this.clock = clock;
        this.enabled = config.enabled();
        this.open = Duration.ofMillis(policy.breaker().openMs());
    }

    /**
     * The endpoint's breaker opened from closed; {@code lastError} is the failure that opened it, {@code failingSince}
     * its first failure after its last success.
     */
    public void failing(String endpointId, Instant failingSince, String lastError) {
        tell(endpointId, "failing", OperationalEvents.ENDPOINT_FAILING, now -> new EndpointFailing(endpointId,
                failingSince, ReceiverText.sanitize(lastError), open.toMillis(), now));
    }

    /** The breaker of an endpoint announced failing closed again. */
    public void recovered(String endpointId, Instant failingSince) {
        tell(endpointId, "recovered", OperationalEvents.ENDPOINT_RECOVERED,
                now -> new EndpointRecovered(endpointId, failingSince, now));
    }

    /** Publishes {@code type} for a known, enabled endpoint, with the data made for the current time. */
    private void tell(String endpointId, String what, String type, Function<Instant, Object> data) {
        EndpointState endpoint = endpoint(endpointId);
        if (endpoint == null) {
            return;
        }
        Instant now = clock.instant();
        LOG.infof("Endpoint %s of tenant %s is %s (circuit breaker)", endpointId, endpoint.tenant(), what);
        publisher.publishLater("evt_" + what + "_" + endpointId + "_" + now.toEpochMilli(), endpoint.tenant(), type,
                data.apply(now), endpointId, now);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The endpoint, if it is known and enabled (a disabled one gets {@code herald.endpoint.disabled} instead). */
    private EndpointState endpoint(String endpointId) {
        if (!enabled) {
            return null;
        }
        return table.get(endpointId).filter(EndpointState::enabled).orElse(null);
    }
}
