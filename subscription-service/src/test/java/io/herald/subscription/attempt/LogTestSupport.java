package io.herald.subscription.attempt;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.herald.contracts.Json;
import io.herald.devstack.PostgresConnection;
import io.herald.testing.KafkaTestResource;
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
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (Object value : values) {
                producer.send(new ProducerRecord<>(topic, key, value instanceof String s ? s : Json.write(value)));
            }
            producer.flush();
        }
    }

    /** Polls the condition every 50 ms until it holds; fails after {@link #WAIT}. */
    public static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A single number from the test database, e.g. a count. */
    public static long queryLong(String sql, Object... params) {
        try (Connection db = database();
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
        try (Connection db = database();
                var statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static Connection database() throws SQLException {
        PostgresConnection pg = PostgresTestResource.database();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
