package io.herald.ingest.http;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.herald.ingest.IngestMetrics;
import io.herald.ingest.event.EventService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts the requests to {@code /v1/*} refused with a 4xx in {@code herald.ingest.rejected}, tagged with the reason the
 * status stands for. Runs first on every API request (before the body limit and authentication), so refusals answered
 * outside the resources (401, 413, 415) are counted too. 503s are counted where they arise ({@link EventService}),
 * because their reasons (Kafka, in-flight bound) share one status.
 */
@ApplicationScoped
public class RejectionMetricsRoute {

    private static final Map<Integer, String> REASONS = Map.of(400, "invalid", 401, "unauthenticated", 403, "forbidden",
            409, "idempotency_in_progress", 413, "too_large", 415, "unsupported_media_type", 422,
            "idempotency_key_reused", 429, "rate_limited");

    private final MeterRegistry registry;

    public RejectionMetricsRoute(MeterRegistry registry) {
        this.registry = registry;
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 10).handler(this::countOnEnd);
    }

    private void countOnEnd(RoutingContext context) {
        context.addEndHandler(done -> {
            int status = context.response().getStatusCode();
            if (status >= 400 && status < 500) {
                counter(REASONS.getOrDefault(status, "other")).increment();
            }
        });
        context.next();
    }

    private Counter counter(String reason) {
        return Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", reason)
                .description("Requests and batch items refused, by reason").register(registry);
    }
}
