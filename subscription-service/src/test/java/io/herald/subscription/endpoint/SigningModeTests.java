package io.herald.subscription.endpoint;

import static io.herald.subscription.endpoint.PublishedSecrets.verifies;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

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
import io.herald.contracts.signing.WebhookSecret;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * {@code signingMode}: v1 (HMAC, whsec_) and v1a (Ed25519: Herald keeps the whsk_ private key, the subscriber gets the
 * whpk_ public key). The test profile's rotation grace period is 3 s.
 */
@QuarkusTest
@ServiceTestResources
class SigningModeTests {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void shouldGiveAV1aSubscriberThePublicKeyAndDispatchTheEncryptedPrivateKey() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = create(tenant, "v1a");
        String id = created.path("id");
        String publicKey = created.path("secret");
        assertThat(created.<String> path("signingMode")).isEqualTo("v1a");
        assertThat(publicKey).startsWith("whpk_");

        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then().statusCode(200)
                .body("secret", equalTo(publicKey));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body("signingMode", equalTo("v1a"));

        EndpointState state = state(EndpointTopic.awaitRecords(id, found -> !found.isEmpty()).get(0));
        assertThat(state.secrets()).hasSize(1);
        String privateKey = state.secrets().get(0).secret();
        assertThat(privateKey).startsWith("whsk_");
        assertThat(WebhookSecret.parse(privateKey).verificationKey().encoded()).isEqualTo(publicKey);
        assertThat(verifies(state, Instant.now(), publicKey)).isTrue();

        String privateBase64 = privateKey.substring(5);
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement query = db
                        .prepareStatement("select secret, signing_mode from endpoint where id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).startsWith("v1:").doesNotContain(privateBase64);
                assertThat(row.getString(2)).isEqualTo("v1a");
            }
        }
        for (String path : List.of("/v1/endpoints", "/v1/endpoints/" + id, "/v1/endpoints/" + id + "/secret")) {
            assertThat(given().auth().oauth2(TestTokens.admin(tenant)).get(path).then().statusCode(200).extract()
                    .asString()).doesNotContain(privateBase64).doesNotContain("whsk_");
        }
    }

    @Test
    void shouldRotateAV1aKeyWithBothKeysSigningDuringTheGracePeriod() {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = create(tenant, "v1a");
        String id = created.path("id");
        String oldKey = created.path("secret");

        ExtractableResponse<Response> rotated = given().auth().oauth2(TestTokens.admin(tenant))
                .post("/v1/endpoints/" + id + "/rotate-secret").then().statusCode(200).extract();
        String newKey = rotated.path("secret");
        Instant expiresAt = Instant.parse(rotated.path("previousSecretExpiresAt"));

        assertThat(newKey).startsWith("whpk_").isNotEqualTo(oldKey);
        EndpointState during = state(EndpointTopic.awaitRecords(id, found -> found.size() >= 2).get(1));
        assertThat(during.secrets()).extracting(EndpointSecret::secret).allMatch(s -> s.startsWith("whsk_"));
        Instant inGrace = expiresAt.minusMillis(1);
        assertThat(verifies(during, inGrace, oldKey)).isTrue();
        assertThat(verifies(during, inGrace, newKey)).isTrue();
        assertThat(verifies(during, expiresAt, oldKey)).isFalse();
    }

    @Test
    void shouldSwitchFromV1ToV1aWithTheOldSecretSigningBesideTheNewKeyDuringTheGracePeriod() {
        String tenant = "t-" + UUID.randomUUID();
        ExtractableResponse<Response> created = create(tenant, null);
        String id = created.path("id");
        String hmacSecret = created.path("secret");
        assertThat(created.<String> path("signingMode")).isEqualTo("v1");
        assertThat(hmacSecret).startsWith("whsec_");

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("signingMode", "v1a"))
                .patch("/v1/endpoints/" + id).then().statusCode(200).body("signingMode", equalTo("v1a"));
        String publicKey = given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then()
                .statusCode(200).body("secret", startsWith("whpk_")).extract().path("secret");

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id,
                found -> found.size() >= 3 && state(found.get(found.size() - 1)).secrets().size() == 1);
        EndpointState during = state(records.get(1));
        assertThat(during.secrets()).hasSize(2);
        assertThat(during.secrets().get(0).secret()).startsWith("whsk_");
        assertThat(during.secrets().get(1))
                .isEqualTo(new EndpointSecret(hmacSecret, during.secrets().get(1).expiresAt()));
        Instant inGrace = during.secrets().get(1).expiresAt().minusMillis(1);
        assertThat(verifies(during, inGrace, hmacSecret)).as("a subscriber still on v1").isTrue();
        assertThat(verifies(during, inGrace, publicKey)).as("a subscriber already on v1a").isTrue();
        EndpointState after = state(records.get(records.size() - 1));
        assertThat(verifies(after, Instant.now(), publicKey)).isTrue();
        assertThat(verifies(after, Instant.now(), hmacSecret)).isFalse();

        long versions = EndpointTopic.recordsNow(id).size();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("signingMode", "v1a"))
                .patch("/v1/endpoints/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then().statusCode(200)
                .body("secret", equalTo(publicKey));
        assertThat(EndpointTopic.recordsNow(id)).as("the same mode again changes nothing").hasSize((int) versions);
    }

    @Test
    void shouldRefuseAnUnknownOrNullSigningMode() {
        String tenant = "t-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/bad", "eventTypes", List.of("*"), "signingMode", "v2"))
                .post("/v1/endpoints").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors[0].field", equalTo("signingMode"));
        String id = create(tenant, "v1").path("id");
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body("{\"signingMode\":null}")
                .patch("/v1/endpoints/" + id).then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors[0].field", equalTo("signingMode"));
    }

    private static ExtractableResponse<Response> create(String tenant, String signingMode) {
        Map<String, Object> body = signingMode == null
                ? Map.of("url", "https://localhost/signing", "eventTypes", List.of("*"))
                : Map.of("url", "https://localhost/signing", "eventTypes", List.of("*"), "signingMode", signingMode);
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body)
                .post("/v1/endpoints").then().statusCode(201).extract();
    }

    private static EndpointState state(ConsumerRecord<String, String> record) {
        return EndpointTopic.state(record.value());
    }
}
