package io.herald.subscription.attempt;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;

import io.herald.contracts.Json;
import io.herald.testing.KafkaTestClient;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.TestTokens;
import io.restassured.http.ContentType;

/** What the delivery-log and dead-letter tests share: endpoints through the API, records onto topics, awaits. */
public final class LogTestSupport {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final Duration WAIT = Duration.ofSeconds(20);

    private LogTestSupport() {
    }

    public static String newTenant() {
        return "t-" + UUID.randomUUID();
    }

    /**
     * Registers an endpoint of the tenant through the API (loopback: the test profile allows it, no DNS); answers its
     * id.
     */
    public static String createEndpoint(String tenant) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/log", "eventTypes", List.of("*"))).post("/v1/endpoints").then()
                .statusCode(201).extract().path("id");
    }

    /** Publishes the records (JSON of each value, key = endpoint id) and waits for the broker's acks. */
    public static void publish(String topic, String key, List<?> values) {
        KafkaTestClient.publishAll(values.stream()
                .map(value -> new ProducerRecord<>(topic, key, value instanceof String s ? s : Json.write(value)))
                .toList());
    }

    /** Polls the condition every 50 ms until it holds; fails after {@link #WAIT}. */
    public static void await(String what, BooleanSupplier condition) {
        awaitWithin(WAIT, what, condition);
    }

    /** Polls the condition every 50 ms until it holds; fails after {@code limit}. */
    public static void awaitWithin(Duration limit, String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(limit).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    /** A single number from the test database, e.g. a count. */
    public static long queryLong(String sql, Object... params) {
        try (Connection db = PostgresTestResource.connect();
                var statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public static void execute(String sql) {
        try (Connection db = PostgresTestResource.connect();
                var statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
