package io.herald.dispatch.guard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.herald.dispatch.DeliveryPolicyConfig;

/**
 * What one tenant may hold of this instance's delivery capacity at once: a number of deliveries in flight and their
 * payload bytes. A tenant past either is told to wait (its delivery is postponed), so a tenant with thousands of
 * endpoints or large events cannot take the whole in-flight budget and keep other tenants' deliveries waiting behind
 * its backlog in the same partitions.
 * <p>
 * A tenant refused within the last {@link #SATURATED_FOR} (or holding its whole share of deliveries) is
 * {@linkplain #saturated saturated}: fan-out then holds back the rest of its large fan-outs, which would only queue in
 * {@code herald.deliveries} ahead of other tenants' deliveries and be postponed again.
 */
@ApplicationScoped
public class TenantBudgets {

    /** How long after a refusal a tenant counts as saturated. */
    static final Duration SATURATED_FOR = Duration.ofSeconds(1);

    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    private final int maxDeliveries;
    private final long maxBytes;

    @Inject
    TenantBudgets(DeliveryPolicyConfig config) {
        this(config.limits().maxInFlightPerTenant(), config.limits().maxInFlightBytesPerTenant());
    }

    public TenantBudgets(int maxDeliveries, long maxBytes) {
        this.maxDeliveries = maxDeliveries;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes room for one delivery of {@code bytes} for {@code tenant}; false (nothing taken) when the tenant holds its
     * share already. A tenant holding nothing always gets room, whatever the size. Room taken is given back with
     * {@link #leave}.
     */
    public boolean tryEnter(String tenant, long bytes) {
        boolean[] entered = { false };
        budgets.compute(tenant, (t, held) -> {
            Budget budget = held == null ? new Budget() : held;
            if (budget.deliveries == 0 || budget.deliveries < maxDeliveries && budget.bytes + bytes <= maxBytes) {
                budget.deliveries++;
                budget.bytes += bytes;
                entered[0] = true;
            } else {
                budget.refusedAt = System.nanoTime();
            }
            return budget.deliveries == 0 ? null : budget;
        });
        return entered[0];
    }

    public void leave(String tenant, long bytes) {
        budgets.computeIfPresent(tenant, (t, budget) -> {
            budget.deliveries--;
            budget.bytes -= bytes;
            return budget.deliveries <= 0 ? null : budget;
        });
    }

    /** Deliveries the tenant has in flight on this instance. */
    public int inFlight(String tenant) {
        Budget budget = budgets.get(tenant);
        return budget == null ? 0 : budget.deliveries;
    }

    /**
     * Whether the tenant holds its whole share of this instance or was refused room in the last {@link #SATURATED_FOR}:
     * more of its deliveries now would wait (be postponed) rather than go out. A tenant with nothing in flight never
     * is.
     */
    public boolean saturated(String tenant) {
        boolean[] saturated = { false };
        // Read under the map's lock on the entry, as the budget is changed.
        budgets.computeIfPresent(tenant, (t, budget) -> {
            saturated[0] = budget.deliveries >= maxDeliveries
                    || budget.refusedAt != 0 && System.nanoTime() - budget.refusedAt < SATURATED_FOR.toNanos();
            return budget;
        });
        return saturated[0];
    }

    private static final class Budget {
        int deliveries;
        long bytes;
        long refusedAt;
    }
}
