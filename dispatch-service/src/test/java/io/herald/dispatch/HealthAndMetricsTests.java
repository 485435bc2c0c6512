package io.herald.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class HealthAndMetricsTests {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Pattern ENDPOINTS_GAUGE = Pattern.compile("(?m)^herald_routing_endpoints(?:\\{[^}]*})? (\\S+)$");

    @Inject
    EndpointStateConsumer routing;
    @Inject
    RoutingTable table;

    @Test
    void shouldReportReadyOnceTheRoutingTableIsLoaded() {
        await("the routing table is loaded").atMost(TIMEOUT).until(routing::isLoaded);
        await("/q/health/ready answers 200").atMost(TIMEOUT)
                .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 200);

        JsonPath health = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertThat(health.getString("status")).isEqualTo("UP");
        assertThat(health.getString("checks.find { it.name == 'routing-table' }.status")).isEqualTo("UP");
        assertThat(given().get("/q/health/live").then().extract().statusCode()).isEqualTo(200);
    }

    @Test
    void shouldExportTheRoutingTableSizeAsAGauge() {
        try (TestKafka kafka = TestKafka.connect()) {
            EndpointState endpoint = Fixtures.endpoint(Fixtures.tenant(), "http://127.0.0.1:9/hook", List.of("order.*"),
                    Fixtures.secret());
            kafka.publishEndpoint(endpoint);
            await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());

            assertThat(endpointsGauge()).isEqualTo(table.size()).isPositive();

            kafka.tombstone(endpoint.id());
            await("the tombstone is applied").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isEmpty());
            assertThat(endpointsGauge()).isEqualTo(table.size());
        }
    }

    @Test
    void shouldExportDeliveryRetryBreakerAndDeadLetterMetricsWithoutPerEndpointLabels() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            EndpointState endpoint = Fixtures.endpoint(Fixtures.tenant(), receiver.url("/hook"), List.of("order.*"),
                    Fixtures.secret());
            kafka.publishEndpoint(endpoint);
            await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());
            kafka.publishEvent(Fixtures.event(endpoint.tenant(), "order.created"));
            receiver.await(1, TIMEOUT);
            await("the attempt is counted").atMost(TIMEOUT)
                    .until(() -> Pattern.compile("herald_delivery_attempts_total\\{outcome=\"SUCCEEDED\"} [1-9]")
                            .matcher(metrics()).find());

            String metrics = metrics();

            assertThat(metrics).contains("herald_delivery_http_seconds_bucket{", "herald_retry_waiting{tier=\"5s\"}",
                    "herald_retry_waiting{tier=\"10h\"}", "herald_breaker_endpoints{state=\"closed\"}",
                    "herald_breaker_endpoints{state=\"open\"}", "herald_breaker_endpoints{state=\"half_open\"}",
                    "herald_dlq_deliveries_total", "kafka_consumer_fetch_manager_records_lag");
            assertThat(metrics).doesNotContain(endpoint.id(), endpoint.tenant());
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static int endpointsGauge() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = ENDPOINTS_GAUGE.matcher(metrics);
        assertThat(matcher.find()).as("herald_routing_endpoints in /q/metrics").isTrue();
        return (int) Double.parseDouble(matcher.group(1));
    }
}
