package io.herald.subscription.secret;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What anyone who can read the raw {@code herald.endpoints} topic learns: no secret, private key or header value. */
@QuarkusTest
@ServiceTestResources
class SealedEndpointStateTests {

    private static final String HEADER_VALUE = "Bearer receiver-credential-0f1e2d3c4b5a";

    @Test
    void shouldPublishNoSigningSecretPrivateKeyOrHeaderValueInClearAndATombstoneOnDelete() {
        String tenant = "t-sealed-" + UUID.randomUUID().toString().substring(0, 8);
        String hmac = create(tenant, "v1");
        String ed25519 = create(tenant, "v1a");
        // A rotation puts two keys in one state.
        given().auth().oauth2(TestTokens.admin(tenant)).post("/v1/endpoints/" + hmac + "/rotate-secret").then()
                .statusCode(200);

        List<ConsumerRecord<String, String>> hmacRecords = EndpointTopic.awaitRecords(hmac, found -> found.size() >= 2);
        List<ConsumerRecord<String, String>> edRecords = EndpointTopic.awaitRecords(ed25519, found -> !found.isEmpty());
        for (ConsumerRecord<String, String> record : Stream.concat(hmacRecords.stream(), edRecords.stream()).toList()) {
            EndpointState opened = EndpointTopic.state(record.value());
            assertThat(opened.secrets()).isNotEmpty();
            for (EndpointSecret secret : opened.secrets()) {
                assertThat(secret.secret()).matches("wh(sec|sk)_.+");
                // Neither the key nor its base64 body (what a signature library takes) is in the raw record.
                assertThat(record.value()).doesNotContain(secret.secret(), secret.secret().substring(6));
            }
            assertThat(opened.headers()).containsEntry("Authorization", HEADER_VALUE).containsEntry("X-Team",
                    "billing");
            assertThat(record.value()).doesNotContain(HEADER_VALUE, "receiver-credential", "billing", "whsec_", "whsk_")
                    .contains("\"Authorization\":\"" + EndpointTopic.keyring().sealingKeyId() + ":")
                    .contains("\"schemaVersion\":2");
        }

        given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/endpoints/" + hmac).then().statusCode(204);
        List<ConsumerRecord<String, String>> afterDelete = EndpointTopic.awaitRecords(hmac,
                found -> found.get(found.size() - 1).value() == null);
        assertThat(afterDelete.get(afterDelete.size() - 1).value()).isNull();
    }

    private static String create(String tenant, String signingMode) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/sealed", "eventTypes", List.of("*"), "signingMode", signingMode,
                        "headers", Map.of("Authorization", HEADER_VALUE, "X-Team", "billing")))
                .post("/v1/endpoints").then().statusCode(201).extract().path("id");
    }
}
