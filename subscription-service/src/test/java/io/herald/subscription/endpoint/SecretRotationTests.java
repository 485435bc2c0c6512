package io.herald.subscription.endpoint;

import static io.herald.subscription.endpoint.PublishedSecrets.verifies;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Rotation with the test profile's grace period of 3 s (application.properties) and a sweep every second. */
@QuarkusTest
@ServiceTestResources
class SecretRotationTests {

    @Test
    void shouldSignWithBothSecretsDuringTheGracePeriodThenWithTheNewOneOnly() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.admin(tenant))
                .contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/rotate", "eventTypes", List.of("*"))).post("/v1/endpoints")
                .then().statusCode(201).extract();
        String id = created.path("id");
        String oldSecret = created.path("secret");

        ExtractableResponse<Response> rotated = given().auth().oauth2(TestTokens.admin(tenant))
                .post("/v1/endpoints/" + id + "/rotate-secret").then().statusCode(200).extract();
        String newSecret = rotated.path("secret");
        Instant expiresAt = Instant.parse(rotated.path("previousSecretExpiresAt"));

        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then().statusCode(200)
                .body("secret", equalTo(newSecret));

        // Published: first both (the old one with its expiry), later, after the grace period, the new one alone.
        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id,
                found -> found.size() >= 3 && state(found.get(found.size() - 1)).secrets().size() == 1);
        assertThat(records).hasSize(3);
        EndpointState during = state(records.get(1));
        EndpointState after = state(records.get(2));
        assertThat(during.secrets()).containsExactly(new EndpointSecret(newSecret, null),
                new EndpointSecret(oldSecret, expiresAt));
        assertThat(after.secrets()).containsExactly(new EndpointSecret(newSecret, null));
        assertThat(after.version()).isGreaterThan(during.version());

        // What dispatch signs with: the secrets live at the moment of delivery (EndpointSecret.liveAt).
        Instant inGrace = expiresAt.minusMillis(1);
        assertThat(verifies(during, inGrace, oldSecret)).isTrue();
        assertThat(verifies(during, inGrace, newSecret)).isTrue();
        assertThat(verifies(during, expiresAt, oldSecret)).as("expired, even before the sweep republished").isFalse();
        assertThat(verifies(after, expiresAt, newSecret)).isTrue();
        assertThat(verifies(after, expiresAt, oldSecret)).isFalse();
    }

    @Test
    void shouldKeepSecretsAndHeadersEncryptedAtRestAndSecretsOutOfListsAndErrors() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.admin(tenant))
                .contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/rest", "eventTypes", List.of("*"), "headers",
                        Map.of("Authorization", "Bearer receiver-credential-42")))
                .post("/v1/endpoints").then().statusCode(201).extract();
        String id = created.path("id");
        String secret = created.path("secret");
        String rotated = given().auth().oauth2(TestTokens.admin(tenant)).post("/v1/endpoints/" + id + "/rotate-secret")
                .then().statusCode(200).extract().path("secret");

        try (Connection db = PostgresTestResource.connect();
                PreparedStatement query = db
                        .prepareStatement("select secret, previous_secret, headers from endpoint where id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).startsWith("v1:").doesNotContain(rotated.substring(6));
                assertThat(row.getString(2)).startsWith("v1:").doesNotContain(secret.substring(6));
                assertThat(row.getString(3)).startsWith("v1:").doesNotContain("receiver-credential-42");
            }
        }
        String key = secret.substring(6);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints").then().statusCode(200)
                .body(not(containsString(key))).body(not(containsString(rotated.substring(6))));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body(not(containsString(key))).body(not(containsString("\"secret\"")));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "ftp://localhost/x")).patch("/v1/endpoints/" + id).then().statusCode(400)
                .body(not(containsString(key))).body(not(containsString(rotated.substring(6))));
    }

    @Test
    void shouldStoreOutboxPayloadsWithTheirSecretsSealed() throws Exception {
        // The relay deletes rows within milliseconds; hold its lock like another replica would, then look.
        String tenant = "t-" + UUID.randomUUID();
        try (Connection replica = PostgresTestResource.connect()) {
            replica.setAutoCommit(false);
            try (PreparedStatement lock = replica.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, 0x6865_7261_6c64_6f62L);
                lock.execute();
            }
            ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.admin(tenant))
                    .contentType(ContentType.JSON)
                    .body(Map.of("url", "https://localhost/outbox", "eventTypes", List.of("*"))).post("/v1/endpoints")
                    .then().statusCode(201).extract();
            String id = created.path("id");
            try (Connection db = PostgresTestResource.connect();
                    PreparedStatement query = db
                            .prepareStatement("select payload from outbox where aggregate_id = ?")) {
                query.setString(1, id);
                try (ResultSet row = query.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).startsWith("{").contains("\"secret\":\"v1:")
                            .doesNotContain(((String) created.path("secret")).substring(6));
                }
            }
            replica.rollback();
            EndpointTopic.awaitRecords(id, found -> !found.isEmpty());
        }
    }

    private static EndpointState state(ConsumerRecord<String, String> record) {
        return EndpointTopic.state(record.value());
    }
}
