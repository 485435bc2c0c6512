package io.herald.dispatch.guard;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.EndpointDisabled;
import io.herald.dispatch.operational.OperationalEventPublisher;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Disables an endpoint from dispatch's side: at once in this instance's routing table (no further request goes out),
 * and durably through an operational event {@code herald.endpoint.disabled} on {@code herald.events} for its tenant.
 * Subscription applies that event to its database, whose new state comes back on {@code herald.endpoints}; the tenant's
 * endpoints subscribed to the type receive it like any event.
 */
@ApplicationScoped
public class EndpointDisabler {

    private static final Logger LOG = Logger.getLogger(EndpointDisabler.class);

    private final OperationalEventPublisher events;
    private final RoutingTable table;
    private final MeterRegistry registry;

    EndpointDisabler(OperationalEventPublisher events, RoutingTable table, MeterRegistry registry) {
        this.events = events;
        this.table = table;
        this.registry = registry;
    }

    /**
     * Completes once the operational event was acknowledged; does nothing when this instance had already disabled the
     * endpoint.
     *
     * @param cause a short metric tag: {@code gone} or {@code failing}
     */
    public Uni<Void> disable(EndpointState endpoint, String cause, String reason, Instant now) {
        if (table.disable(endpoint.id()).isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("Disabling endpoint %s of tenant %s: %s", endpoint.id(), endpoint.tenant(), reason);
        Counter.builder("herald.endpoint.disabled").description("Endpoints disabled by dispatch, by cause")
                .tag("cause", cause).register(registry).increment();
        // One id per endpoint version: a redelivered hand-off publishes the same event again, which subscribers can
        // deduplicate.
        return events.publish("evt_disabled_" + endpoint.id() + "_v" + endpoint.version(), endpoint.tenant(),
                OperationalEvents.ENDPOINT_DISABLED, new EndpointDisabled(endpoint.id(), reason, now), endpoint.id(),
                now);
    }
}
