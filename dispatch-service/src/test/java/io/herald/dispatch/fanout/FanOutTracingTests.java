package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.tracing.TraceContext;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.routing.EndpointFilter;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.dispatch.tracing.DispatchTracing;
import io.herald.dispatch.tracing.RecordedSpans;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;

/** Fan-out continues each event's trace from its record's traceparent and hands it on in every delivery. */
class FanOutTracingTests {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final KafkaRecords RECORDS = new KafkaRecords(Json.standalone());
    /** What ingest writes on the herald.events record: the span of POST /v1/events. */
    private static final String INGEST = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final RoutingTable table = new RoutingTable();
    private final RecordedSpans spans = new RecordedSpans();

    @Test
    void shouldFanEachEventOutInASpanChildOfItsRecordsTraceparentAndStampItOnEveryDelivery() {
        table.apply("a", endpoint("a"));
        table.apply("b", endpoint("b"));
        EventMessage traced = event("evt_traced", 10);
        EventMessage untraced = event("evt_untraced", 10);

        FanOut.Plan plan = fanOut(new DispatchTracing(spans.openTelemetry))
                .plan(List.of(Json.write(traced), Json.write(untraced)), Arrays.asList(INGEST, null), 1 << 20);
        assertThat(spans.all()).as("spans end only once the batch is committed").isEmpty();
        DispatchTracing.fannedOut(plan.spans());

        List<SpanData> fanOuts = spans.named(DispatchTracing.FAN_OUT);
        assertThat(fanOuts).hasSize(2);
        SpanData continued = span(fanOuts, "evt_traced");
        assertThat(continued.getTraceId()).isEqualTo(TraceContext.traceId(INGEST));
        assertThat(continued.getParentSpanId()).isEqualTo(TraceContext.spanId(INGEST));
        assertThat(continued.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(continued.getAttributes().get(AttributeKey.longKey("herald.deliveries"))).isEqualTo(2L);
        assertThat(continued.getAttributes().get(AttributeKey.stringKey("herald.tenant"))).isEqualTo("acme");
        SpanData started = span(fanOuts, "evt_untraced");
        assertThat(started.getParentSpanContext().isValid()).as("a record without traceparent starts a trace")
                .isFalse();

        List<DeliveryMessage> deliveries = plan.chunks().stream().flatMap(List::stream).toList();
        assertThat(deliveries).hasSize(4).allSatisfy(d -> {
            SpanData own = d.eventId().equals("evt_traced") ? continued : started;
            assertThat(TraceContext.traceId(d.traceparent())).isEqualTo(own.getTraceId());
            assertThat(TraceContext.spanId(d.traceparent())).isEqualTo(own.getSpanId());
        });
    }

    @Test
    void shouldCarryTheTraceparentOnToTheContinuationOfALargeFanOut() {
        for (int i = 0; i < 6; i++) {
            table.apply("big-" + i, endpoint("big-" + i));
        }
        EventMessage large = event("evt_large", 1_000);
        FanOut fanOut = fanOut(new DispatchTracing(spans.openTelemetry));
        long oneLarge = fanOut.deliveriesFor(large).get(0).payload().length() + 512L;

        FanOut.Plan plan = fanOut.plan(List.of(Json.write(large)), List.of(INGEST), 2 * oneLarge);

        assertThat(plan.continuations()).hasSize(1);
        assertThat(plan.continuationTraceparents()).containsExactly(INGEST);
    }

    @Test
    void shouldStampNoTraceparentWhenTracingIsOff() {
        table.apply("a", endpoint("a"));

        FanOut.Plan plan = fanOut(DispatchTracing.off()).plan(List.of(Json.write(event("evt_1", 10))), List.of(INGEST),
                1 << 20);

        assertThat(plan.chunks().get(0)).singleElement().satisfies(d -> assertThat(d.traceparent()).isNull());
    }

    private FanOut fanOut(DispatchTracing tracing) {
        return new FanOut(null, null, null, table, null, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry(),
                null, null, new EndpointFilter(new SimpleMeterRegistry()), tracing, null, null, RECORDS);
    }

    private static SpanData span(List<SpanData> spans, String eventId) {
        return spans.stream()
                .filter(s -> eventId.equals(s.getAttributes().get(AttributeKey.stringKey("herald.event.id"))))
                .findFirst().orElseThrow();
    }

    private static EndpointState endpoint(String id) {
        return EndpointState.of(id, "acme", "https://example.com/" + id, List.of("order.*"), true,
                List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 1, NOW);
    }

    private static EventMessage event(String id, int dataBytes) {
        return EventMessage.of(id, "acme", "order.created",
                Json.mapper().createObjectNode().put("blob", "x".repeat(dataBytes)), null, NOW, NOW);
    }
}
