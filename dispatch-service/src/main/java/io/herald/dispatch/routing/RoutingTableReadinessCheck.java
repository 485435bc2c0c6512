package io.herald.dispatch.routing;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the routing table has caught up with {@code herald.endpoints}: before, events fan out to nobody. */
@Readiness
@ApplicationScoped
public class RoutingTableReadinessCheck implements HealthCheck {

    private final EndpointStateConsumer consumer;
    private final RoutingTable table;

    RoutingTableReadinessCheck(EndpointStateConsumer consumer, RoutingTable table) {
        this.consumer = consumer;
        this.table = table;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("routing-table").status(consumer.isLoaded())
                .withData("endpoints", table.size()).build();
    }
}
