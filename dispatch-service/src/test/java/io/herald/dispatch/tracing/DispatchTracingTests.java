package io.herald.dispatch.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.tracing.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;

class DispatchTracingTests {

    /** What a fan-out span of another process would have written on the delivery. */
    private static final String FAN_OUT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String URL = "https://user:s3cret@hooks.example.com:8443/in/abc?token=t0ken";

    private final RecordedSpans spans = new RecordedSpans();
    private final DispatchTracing tracing = new DispatchTracing(spans.openTelemetry);
    private final EndpointState endpoint = EndpointState.of("ep_1", "acme", URL, List.of("order.*"), true,
            List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 1, Instant.EPOCH);

    @Test
    void shouldTraceAnAttemptAsAChildOfItsFanOutSpanAndCloseItWithItsOutcome() {
        DeliveryMessage delivery = delivery(1).withTraceparent(FAN_OUT);

        String attemptId = tracing.startAttempt(delivery, endpoint);
        Map<String, String> headers = tracing.requestHeaders(Map.of("webhook-id", "w"), attemptId, endpoint);
        AttemptMessage recorded = tracing.attempted(
                attempt(delivery, AttemptOutcome.RETRY_SCHEDULED, 503, TraceContext.traceId(delivery.traceparent())));

        assertThat(headers).as("the endpoint did not ask for a traceparent").containsOnlyKeys("webhook-id");
        SpanData span = spans.named(DispatchTracing.DELIVER).get(0);
        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("herald.endpoint.id"))).isEqualTo("ep_1");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("herald.tenant"))).isEqualTo("acme");
        assertThat(span.getAttributes().get(AttributeKey.longKey("herald.attempt"))).isEqualTo(2L);
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("herald.outcome"))).isEqualTo("retry_scheduled");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(recorded.traceId()).isEqualTo(span.getTraceId());
        assertThat(tracing.openAttempts()).isZero();
    }

    @Test
    void shouldNameTheHostButNeverTheUrlItsCredentialsOrThePayload() {
        DeliveryMessage delivery = delivery(0).withTraceparent(FAN_OUT);

        tracing.startAttempt(delivery, endpoint);
        tracing.attempted(attempt(delivery, AttemptOutcome.SUCCEEDED, 200, null));

        SpanData span = spans.named(DispatchTracing.DELIVER).get(0);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("hooks.example.com");
        assertThat(span.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(8443L);
        assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().asMap().values()).extracting(String::valueOf)
                .noneMatch(v -> v.contains("s3cret") || v.contains("t0ken") || v.contains("/in/abc")
                        || v.contains("secret-amount"));
    }

    @Test
    void shouldSendATraceparentNamingTheAttemptsSpanToAnEndpointThatAskedForIt() {
        DeliveryMessage delivery = delivery(0).withTraceparent(FAN_OUT);
        EndpointState optedIn = endpoint.withSendTraceparent(true);

        String attemptId = tracing.startAttempt(delivery, optedIn);
        Map<String, String> headers = tracing.requestHeaders(Map.of("webhook-id", "w"), attemptId, optedIn);
        tracing.attempted(attempt(delivery, AttemptOutcome.SUCCEEDED, 200, null));

        SpanData span = spans.named(DispatchTracing.DELIVER).get(0);
        assertThat(headers).containsEntry("webhook-id", "w").containsKey(TraceContext.TRACEPARENT);
        assertThat(TraceContext.traceId(headers.get(TraceContext.TRACEPARENT))).isEqualTo(span.getTraceId());
        assertThat(TraceContext.spanId(headers.get(TraceContext.TRACEPARENT))).isEqualTo(span.getSpanId());
    }

    @Test
    void shouldStartATraceForADeliveryWithoutOneAndGiveItsAttemptThatTraceId() {
        DeliveryMessage delivery = delivery(0);

        tracing.startAttempt(delivery, endpoint);
        AttemptMessage recorded = tracing.attempted(attempt(delivery, AttemptOutcome.SUCCEEDED, 200, null));

        SpanData span = spans.named(DispatchTracing.DELIVER).get(0);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(recorded.traceId()).isEqualTo(span.getTraceId()).matches("[0-9a-f]{32}");
    }

    @Test
    void shouldEndTheSpanOfAnAttemptThatWasNeverRecorded() {
        String attemptId = tracing.startAttempt(delivery(0).withTraceparent(FAN_OUT), endpoint);

        tracing.endAttempt(attemptId);
        tracing.endAttempt(attemptId);

        assertThat(spans.named(DispatchTracing.DELIVER)).hasSize(1)
                .allSatisfy(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
        assertThat(tracing.openAttempts()).isZero();
    }

    @Test
    void shouldRecordNothingAndAddNoHeaderWhenTracingIsOff() {
        DispatchTracing off = DispatchTracing.off();
        DeliveryMessage delivery = delivery(0).withTraceparent(FAN_OUT);
        EndpointState optedIn = endpoint.withSendTraceparent(true);

        String attemptId = off.startAttempt(delivery, optedIn);
        Map<String, String> headers = off.requestHeaders(Map.of("webhook-id", "w"), attemptId, optedIn);
        AttemptMessage recorded = off
                .attempted(attempt(delivery, AttemptOutcome.SUCCEEDED, 200, TraceContext.traceId(FAN_OUT)));

        assertThat(headers).containsOnlyKeys("webhook-id");
        assertThat(off.openAttempts()).isZero();
        assertThat(recorded.traceId()).as("the delivery's own trace id is kept")
                .isEqualTo(TraceContext.traceId(FAN_OUT));
        assertThat(DispatchTracing.traceparent(null)).isNull();
    }

    private static DeliveryMessage delivery(int attemptsMade) {
        return new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION, "evt_1.ep_1", "evt_1", "acme", "ep_1", "evt_1",
                "order.created", "{\"data\":{\"secret-amount\":1}}", attemptsMade, Instant.EPOCH, null);
    }

    private static AttemptMessage attempt(DeliveryMessage delivery, AttemptOutcome outcome, Integer status,
            String traceId) {
        int number = delivery.attempts() + 1;
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery.id(), number),
                delivery.id(), delivery.webhookId(), delivery.tenant(), delivery.endpointId(), delivery.eventId(),
                delivery.eventType(), number, outcome, status, 5, null, null, Instant.EPOCH, null, traceId);
    }
}
