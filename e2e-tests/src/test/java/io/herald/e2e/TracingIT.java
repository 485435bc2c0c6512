package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.tracing.TraceContext;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.e2e.OtlpTraceReceiver.ReceivedSpan;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.restassured.http.ContentType;

/**
 * One event followed end to end through OpenTelemetry: the three packaged services export their spans over OTLP/HTTP
 * (protobuf) to a collector in this test, and the trace a producer starts continues through ingest's request, the
 * herald.events record, dispatch's fan-out and each delivery attempt, one trace id throughout, each span the child of
 * the one before. The span tree is written to {@code target/trace-tree.txt}.
 */
class TracingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TENANT = "tenant-tracing";
    private static final Path WORK = Path.of("target", "e2e-tracing").toAbsolutePath();
    private static final Path TREE = Path.of("target", "trace-tree.txt").toAbsolutePath();

    private static OtlpTraceReceiver collector;
    private static ServiceStack stack;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() {
        collector = OtlpTraceReceiver.start();
        Map<String, String> tracing = Map.of("QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.endpoint(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", "QUARKUS_OTEL_BSP_SCHEDULE_DELAY",
                "200ms");
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_tracing",
                Map.of(ServiceEnv.INGEST, tracing, ServiceEnv.SUBSCRIPTION, tracing, ServiceEnv.DISPATCH, tracing));
        stack.printProcesses("tracing");
        receiver = stack.receiver();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void shouldFollowOneEventInOneTraceFromTheProducersRequestToEachDeliveryAttempt() throws Exception {
        ServiceProcess ingest = stack.ingest();
        ServiceProcess subscription = stack.subscription();
        String token = TestTokens.admin(TENANT);
        double before = DispatchRouting.endpoints(stack.dispatch());
        String traced = given()
                .baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url",
                        receiver.url("/hooks/traced"), "eventTypes", List.of("order.*"), "sendTraceparent", true))
                .post("/v1/endpoints").then().statusCode(201).extract().path("id");
        String plain = given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/plain"), "eventTypes", List.of("order.*")))
                .post("/v1/endpoints").then().statusCode(201).extract().path("id");
        DispatchRouting.awaitEndpoints(stack.dispatch(), before + 2, TIMEOUT);
        // The producer's own trace: Herald's spans must join it.
        String producerTrace = hex(16);
        String producerSpan = hex(8);

        String eventId = given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .header(TraceContext.TRACEPARENT, "00-" + producerTrace + "-" + producerSpan + "-01")
                .body(Map.of("type", "order.created", "data", Map.of("orderId", "ord_1"))).when().post("/v1/events")
                .then().statusCode(202).extract().path("id");

        receiver.await(2, TIMEOUT);
        List<ReceivedSpan> trace = await("the POST, fan-out and both delivery spans", () -> {
            List<ReceivedSpan> spans = collector.spans().stream().filter(s -> s.traceId().equals(producerTrace))
                    .toList();
            boolean complete = spans.stream().anyMatch(s -> s.kind() == 2 && s.name().contains("/v1/events"))
                    && spans.stream().filter(s -> s.name().equals("herald fan-out")).count() == 1
                    && spans.stream().filter(s -> s.name().equals("herald deliver")).count() == 2;
            return complete ? Optional.of(spans) : Optional.empty();
        });
        String tree = tree(trace);
        Files.createDirectories(TREE.getParent());
        Files.writeString(TREE, tree);
        System.out.println("tracing: span tree of event " + eventId + " (" + TREE + ")\n" + tree);

        ReceivedSpan post = trace.stream().filter(s -> s.kind() == 2 && s.name().contains("/v1/events")).findFirst()
                .orElseThrow();
        ReceivedSpan fanOut = named(trace, "herald fan-out").get(0);
        List<ReceivedSpan> deliveries = named(trace, "herald deliver");
        assertThat(post.service()).isEqualTo("herald-ingest");
        assertThat(post.parentSpanId()).as("ingest continues the producer's trace").isEqualTo(producerSpan);
        assertThat(fanOut.service()).isEqualTo("herald-dispatch");
        assertThat(fanOut.parentSpanId()).as("fan-out is the child of the POST span").isEqualTo(post.spanId());
        assertThat(fanOut.attributes()).containsEntry("herald.event.id", eventId).containsEntry("herald.deliveries",
                2L);
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.parentSpanId()).as("each attempt is a child of the fan-out span").isEqualTo(fanOut.spanId());
            assertThat(d.attributes()).containsEntry("herald.tenant", TENANT).containsEntry("herald.attempt", 1L)
                    .containsEntry("http.response.status_code", 204L).containsEntry("herald.outcome", "succeeded");
            assertThat(d.attributes().values()).extracting(String::valueOf)
                    .noneMatch(v -> v.contains("/hooks/") || v.contains("ord_1"));
        });
        assertThat(deliveries).extracting(d -> d.attributes().get("herald.endpoint.id"))
                .containsExactlyInAnyOrder(traced, plain);

        Received tracedWebhook = at("/hooks/traced");
        ReceivedSpan tracedDelivery = deliveries.stream()
                .filter(d -> traced.equals(d.attributes().get("herald.endpoint.id"))).findFirst().orElseThrow();
        assertThat(tracedWebhook.header(TraceContext.TRACEPARENT)).as("the opted-in endpoint's traceparent")
                .isEqualTo("00-" + producerTrace + "-" + tracedDelivery.spanId() + "-01");
        assertThat(at("/hooks/plain").header(TraceContext.TRACEPARENT)).as("an endpoint that did not opt in").isNull();

        String logged = await("the attempt in the delivery log", () -> {
            String traceId = given().baseUri(subscription.baseUrl()).auth().oauth2(token)
                    .get("/v1/endpoints/" + traced + "/attempts").then().statusCode(200).extract()
                    .path("data[0].traceId");
            return Optional.ofNullable(traceId);
        });
        assertThat(logged).isEqualTo(producerTrace);
    }

    private static Received at(String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }

    private static List<ReceivedSpan> named(List<ReceivedSpan> spans, String name) {
        return spans.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The spans as an indented tree, parents first, siblings by start time; durations in milliseconds. */
    static String tree(List<ReceivedSpan> spans) {
        StringBuilder out = new StringBuilder("trace "
                + spans.stream().map(ReceivedSpan::traceId).distinct().collect(Collectors.joining(", ")) + "\n");
        List<String> ids = spans.stream().map(ReceivedSpan::spanId).toList();
        spans.stream().filter(s -> !ids.contains(s.parentSpanId()))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos)).forEach(root -> print(root, spans, 0, out));
        return out.toString();
    }

    private static void print(ReceivedSpan span, List<ReceivedSpan> spans, int depth, StringBuilder out) {
        String attributes = span.attributes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("herald.") || e.getKey().startsWith("http.")
                        || e.getKey().startsWith("server.") || e.getKey().startsWith("messaging."))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        out.append("  ".repeat(depth + 1)).append(depth == 0 ? "" : "└─ ").append(span.name()).append("  [")
                .append(span.service()).append(", ").append(span.kindName()).append(", span ").append(span.spanId())
                .append(", parent ").append(span.parentSpanId().isEmpty() ? "-" : span.parentSpanId())
                .append(String.format(Locale.ROOT, ", %.1f ms]", (span.endNanos() - span.startNanos()) / 1e6));
        if (!attributes.isEmpty()) {
            out.append("  ").append(attributes);
        }
        out.append('\n');
        spans.stream().filter(s -> s.parentSpanId().equals(span.spanId()))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .forEach(child -> print(child, spans, depth + 1, out));
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) {
        try {
            return Awaitility.await(what).atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200)).until(probe::get, Optional::isPresent).get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out waiting for " + what + "; spans received on "
                    + collector.paths().stream().distinct().toList() + ":\n"
                    + (collector.spans().isEmpty() ? "none" : tree(collector.spans())), e);
        }
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
