package io.herald.ingest.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.herald.contracts.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;

class EventTraceparentTests {

    private final Tracer tracer = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build())
            .build().getTracer("test");

    @Test
    void shouldPutTheCurrentSpansTraceparentOnTheEventsRecord() {
        Span request = tracer.spanBuilder("POST /v1/events").startSpan();
        OutgoingKafkaRecord<String, String> record;
        try (Scope ignored = request.makeCurrent()) {
            record = EventTraceparent.ON.onRecord(KafkaRecord.of("key", "{}"));
        } finally {
            request.end();
        }

        Header header = record.getHeaders().lastHeader(TraceContext.TRACEPARENT);
        String traceparent = new String(header.value(), StandardCharsets.US_ASCII);
        assertThat(TraceContext.traceId(traceparent)).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(TraceContext.spanId(traceparent)).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(record.getHeaders().headers(TraceContext.TRACEPARENT)).hasSize(1);
    }

    @Test
    void shouldAddNoHeaderWhenNothingIsTraced() {
        OutgoingKafkaRecord<String, String> record = EventTraceparent.ON.onRecord(KafkaRecord.of("key", "{}"));

        assertThat(record.getHeaders().lastHeader(TraceContext.TRACEPARENT)).isNull();
        assertThat(EventTraceparent.ON.current()).isNull();
    }

    @Test
    void shouldAddNoHeaderWhenTheSdkIsDisabledEvenInsideASpan() {
        Span request = tracer.spanBuilder("POST /v1/events").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            OutgoingKafkaRecord<String, String> record = EventTraceparent.OFF.onRecord(KafkaRecord.of("key", "{}"));

            assertThat(record.getHeaders().lastHeader(TraceContext.TRACEPARENT)).isNull();
        } finally {
            request.end();
        }
    }
}
