package io.herald.dispatch.delivery;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.guard.EndpointLimits;
import io.herald.dispatch.guard.TenantBudgets;
import io.smallrye.mutiny.Uni;

/**
 * The guards a delivery passes before its request, in order: its tenant's share of this instance's in-flight deliveries
 * and bytes, one of the endpoint's concurrency slots (a short wait at most), the endpoint's circuit breaker, its rate
 * limit (a short wait paced by a timer at most). A delivery a guard turns away is postponed through a retry tier
 * without a request ({@link OutcomePolicy}), so no endpoint holds more than its concurrency cap of this instance's
 * delivery slots.
 */
@ApplicationScoped
class EndpointGuards {

    private final TenantBudgets tenants;
    private final EndpointLimits limits;
    private final EndpointBreakers breakers;
    private final OutcomePolicy outcomes;
    private final DeliveryPolicyConfig.Limits config;

    EndpointGuards(TenantBudgets tenants, EndpointLimits limits, EndpointBreakers breakers, OutcomePolicy outcomes,
            DeliveryPolicyConfig policy) {
        this.tenants = tenants;
        this.limits = limits;
        this.breakers = breakers;
        this.outcomes = outcomes;
        this.config = policy.limits();
    }

    /**
     * Runs {@code send} once every guard let the delivery through, and releases the tenant's share and the endpoint's
     * slot when it completes; a delivery turned away goes to {@code later}.
     */
    Uni<Void> pass(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later,
            Supplier<Uni<Void>> send) {
        long bytes = 2L * delivery.payload().length();
        if (!tenants.tryEnter(delivery.tenant(), bytes)) {
            return outcomes.postpone(delivery, Duration.ofMillis(config.tenantBusyRescheduleMs()), "tenant-busy",
                    later);
        }
        return limits.enter(endpoint.id()).chain(entered -> {
            if (!entered) {
                return outcomes.postponeCrowded(delivery, Duration.ofMillis(config.busyRescheduleMs()), "busy", later);
            }
            return withSlot(delivery, endpoint, later, send).eventually(() -> limits.leave(endpoint.id()));
        }).eventually(() -> tenants.leave(delivery.tenant(), bytes));
    }

    /** Holding one of the endpoint's concurrency slots: breaker, then rate limit, then the request. */
    private Uni<Void> withSlot(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later,
            Supplier<Uni<Void>> send) {
        if (!breakers.tryAcquire(endpoint.id())) {
            // While the probe is out the wait does not grow: the probe's outcome decides within seconds.
            return outcomes.postpone(delivery, breakers.retryAfterRefusal(endpoint.id()),
                    !breakers.probing(endpoint.id()), "breaker-open", later);
        }
        EndpointLimits.Pace pace = limits.pace(endpoint);
        if (pace instanceof EndpointLimits.Later wait) {
            breakers.release(endpoint.id());
            return outcomes.postpone(delivery, wait.after(), "rate-limited", later);
        }
        long waitMs = (((EndpointLimits.Go) pace).delay().toNanos() + 999_999) / 1_000_000;
        Uni<Void> paced = waitMs <= 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMs));
        return paced.chain(send::get);
    }

    /**
     * The endpoint's host had no connection to spare ({@link io.herald.dispatch.http.HostBusyException}): the breaker
     * permit taken for the request is given back and the delivery postponed.
     */
    Uni<Void> hostBusy(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later) {
        breakers.release(endpoint.id());
        return outcomes.postponeCrowded(delivery, Duration.ofMillis(config.busyRescheduleMs()), "host-busy", later);
    }
}
