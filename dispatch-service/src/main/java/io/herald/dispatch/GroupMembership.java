package io.herald.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until this instance has joined the fan-out and the delivery consumer groups: their first rebalance gave it
 * its share of the partitions (none, when there are more instances than partitions). A rolling update stops the next
 * instance only once this one is ready; ready before joining, it would take its share from the next instance and, a
 * moment later, all of the next instance's partitions at once, while still cold: the two handovers would add up to one
 * long pause in deliveries instead of two short ones.
 */
@Readiness
@Default
@ApplicationScoped
public class GroupMembership implements HealthCheck {

    /** The channels whose groups an instance must have joined: fan-out's and delivery's (GroupMembershipTests). */
    private static final Set<String> CHANNELS = Set.of("events-in", "deliveries-in");

    private final Set<String> joined = ConcurrentHashMap.newKeySet();

    /** The channels whose groups must have been joined. */
    public static Set<String> channels() {
        return CHANNELS;
    }

    /** Called by a channel's rebalance listener on every assignment, empty or not. */
    public void assigned(String channel) {
        joined.add(channel);
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("consumer-groups").status(joined.containsAll(CHANNELS))
                .withData("joined", String.join(",", joined.stream().sorted().toList())).build();
    }
}
