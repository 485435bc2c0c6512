package io.herald.subscription.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.KafkaTestClient;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
@ServiceTestResources
class OutboxRelayTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldPublishACreatedEndpointToHeraldEndpointsAndEmptyTheOutbox() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.admin(tenant))
                .contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/relay", "eventTypes", List.of("order.created", "invoice.*")))
                .post("/v1/endpoints").then().statusCode(201).extract();
        String id = created.path("id");

        ConsumerRecord<String, String> record = awaitRecord(id);

        EndpointState state = EndpointTopic.state(record.value());
        assertThat(state.schemaVersion()).isEqualTo(EndpointState.SCHEMA_VERSION);
        assertThat(state.id()).isEqualTo(id);
        assertThat(state.tenant()).isEqualTo(tenant);
        assertThat(state.url()).isEqualTo("https://localhost/relay");
        assertThat(state.eventTypes()).containsExactly("order.created", "invoice.*");
        assertThat(state.enabled()).isTrue();
        assertThat(state.secrets()).containsExactly(new EndpointSecret(created.path("secret"), null));
        assertThat(state.updatedAt()).isEqualTo(Instant.parse(created.path("updatedAt")));
        awaitOutboxEmpty(id);
    }

    @Test
    void shouldAnswerEachEndpointChangeOnlyOnceItIsInHeraldEndpoints() {
        String tenant = "t-" + UUID.randomUUID();
        String id;
        try (KafkaTestClient.Reader topic = KafkaTestClient.fromBeginning(Topics.ENDPOINTS)) {
            // What the topic holds the moment each answer came, before the relay could finish after it.
            long before = topic.size();
            id = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                    .body(Map.of("url", "https://localhost/answered", "eventTypes", List.of("order.created")))
                    .post("/v1/endpoints").then().statusCode(201).extract().path("id");
            assertThat(topic.size()).as("records in herald.endpoints right after the 201").isEqualTo(before + 1);

            given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/merge-patch+json")
                    .body(Map.of("eventTypes", List.of("order.*"))).patch("/v1/endpoints/" + id).then().statusCode(200);
            assertThat(topic.size()).as("right after the PATCH").isEqualTo(before + 2);

            given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/endpoints/" + id).then().statusCode(204);
            assertThat(topic.size()).as("right after the DELETE").isEqualTo(before + 3);
        }
        List<ConsumerRecord<String, String>> afterPatch = EndpointTopic.recordsNow(id);
        assertThat(afterPatch).hasSize(3);
        assertThat(EndpointTopic.state(afterPatch.get(1).value()).eventTypes()).containsExactly("order.*");
        assertThat(afterPatch.get(2).value()).as("the tombstone").isNull();
    }

    @Test
    void shouldPublishARowLeftBehindByACrashOnTheNextScheduledRun() throws Exception {
        // A row committed by a transaction whose process died before the relay ran: nothing nudges the relay now.
        String id = "ep_crash" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
        EndpointState state = EndpointState.of(id, "t-crash", "https://localhost/crash", List.of("*"), true,
                List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 0,
                Instant.parse("2026-01-01T00:00:00Z"));
        String payload = Json.write(state);
        insertOutboxRow(id, payload);

        ConsumerRecord<String, String> record = awaitRecord(id);

        assertThat(record.value()).isEqualTo(payload);
        awaitOutboxEmpty(id);
    }

    @Test
    void shouldPublishOneEndpointsRowsInIdOrder() throws Exception {
        String id = "ep_order" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement insert = db
                        .prepareStatement("insert into outbox (aggregate_id, payload) values (?, ?)")) {
            for (int version = 0; version < 5; version++) {
                insert.setString(1, id);
                insert.setString(2, Json.write(EndpointState.of(id, "t-order", "https://localhost/" + version,
                        List.of("*"), true, List.of(), version, Instant.parse("2026-01-01T00:00:00Z"))));
                insert.addBatch();
            }
            insert.executeBatch();
        }

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id, found -> found.size() >= 5);

        assertThat(records).extracting(r -> Json.read(r.value(), EndpointState.class).version()).containsExactly(0L, 1L,
                2L, 3L, 4L);
        awaitOutboxEmpty(id);
    }

    @Test
    void shouldNotRelayWhileAnotherReplicaHoldsTheRelayLock() throws Exception {
        String id = "ep_locked" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
        try (Connection replica = PostgresTestResource.connect()) {
            // Another replica in the middle of its relay transaction.
            replica.setAutoCommit(false);
            try (PreparedStatement lock = replica.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, OutboxRepository.RELAY_LOCK_KEY);
                lock.execute();
            }
            insertOutboxRow(id, Json.write(EndpointState.of(id, "t-lock", "https://localhost/lock", List.of("*"), true,
                    List.of(), 0, Instant.parse("2026-01-01T00:00:00Z"))));

            // Several scheduled runs pass; none may publish.
            await("the outbox row stays while the lock is held").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5)).until(() -> outboxRows(id) == 1);
            assertThat(EndpointTopic.recordsNow(id)).isEmpty();

            replica.rollback();
        }

        awaitRecord(id);
        awaitOutboxEmpty(id);
    }

    private static ConsumerRecord<String, String> awaitRecord(String key) {
        return EndpointTopic.awaitRecords(key, found -> !found.isEmpty()).get(0);
    }

    private static void insertOutboxRow(String aggregateId, String payload) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement insert = db
                        .prepareStatement("insert into outbox (aggregate_id, payload) values (?, ?)")) {
            insert.setString(1, aggregateId);
            insert.setString(2, payload);
            insert.executeUpdate();
        }
    }

    private static void awaitOutboxEmpty(String aggregateId) {
        await("the outbox rows of " + aggregateId + " deleted after publishing").atMost(WAIT)
                .pollInterval(Duration.ofMillis(100)).until(() -> outboxRows(aggregateId) == 0);
    }

    private static long outboxRows(String aggregateId) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement count = db.prepareStatement("select count(*) from outbox where aggregate_id = ?")) {
            count.setString(1, aggregateId);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
