package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Endpoint credentials ({@code auth}), {@code ordered} and write-only header values ({@code secretHeaders}) through the
 * API: secret parts never come back in clear, and they are sealed in PostgreSQL and on the raw {@code herald.endpoints}
 * topic while dispatch still gets them.
 */
@QuarkusTest
@ServiceTestResources
class EndpointAuthTests {

    private static final String MASK = "********";
    private static final String TOKEN = "bearer-token-5d41402abc4b2a76";
    private static final String PASSWORD = "basic-password-7d793037a076";
    private static final String CLIENT_SECRET = "oauth-client-secret-9e107d9d372b";
    private static final String HEADER_SECRET = "ApiKey header-secret-e4d909c290d0";

    @Test
    void shouldMaskEverySecretPartOfEachAuthTypeAndKeepTheRest() {
        String tenant = tenant();
        String bearer = create(tenant, Map.of("type", "bearer", "token", TOKEN)).body("auth.type", equalTo("bearer"))
                .body("auth.token", equalTo(MASK)).extract().path("id");
        String basic = create(tenant, Map.of("type", "basic", "username", "herald", "password", PASSWORD))
                .body("auth.username", equalTo("herald")).body("auth.password", equalTo(MASK)).extract().path("id");
        String oauth2 = create(tenant,
                Map.of("type", "oauth2", "tokenUrl", "https://localhost/oauth/token", "clientId", "herald-client",
                        "clientSecret", CLIENT_SECRET, "scope", "webhooks"))
                                .body("auth.tokenUrl", equalTo("https://localhost/oauth/token"))
                                .body("auth.clientId", equalTo("herald-client"))
                                .body("auth.clientSecret", equalTo(MASK)).body("auth.scope", equalTo("webhooks"))
                                .extract().path("id");
        String mtls = create(tenant,
                Map.of("type", "mtls", "certificatePem", pem("client.pem"), "privateKeyPem", pem("client-key.pem")))
                        .body("auth.certificatePem", equalTo(pem("client.pem")))
                        .body("auth.privateKeyPem", equalTo(MASK)).extract().path("id");

        for (String id : List.of(bearer, basic, oauth2, mtls)) {
            String read = given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then()
                    .statusCode(200).extract().asString();
            assertThat(read).doesNotContain(TOKEN, PASSWORD, CLIENT_SECRET, "BEGIN PRIVATE KEY");
        }
        String list = given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints").then().statusCode(200)
                .extract().asString();
        assertThat(list).doesNotContain(TOKEN, PASSWORD, CLIENT_SECRET, "BEGIN PRIVATE KEY").contains(MASK);
    }

    @Test
    void shouldSealCredentialsAndSecretHeaderValuesInPostgresAndOnTheRawTopicWhileDispatchCanOpenThem()
            throws SQLException {
        String tenant = tenant();
        String keyBody = pemBody(pem("client-key.pem"));
        String oauth2 = create(tenant, Map.of("type", "oauth2", "tokenUrl", "https://localhost/token", "clientId", "c",
                "clientSecret", CLIENT_SECRET)).extract().path("id");
        String mtls = create(tenant,
                Map.of("type", "mtls", "certificatePem", pem("client.pem"), "privateKeyPem", pem("client-key.pem")))
                        .extract().path("id");
        String headers = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/h", "eventTypes", List.of("*"), "headers",
                        Map.of("X-Api-Key", HEADER_SECRET, "X-Team", "billing"), "secretHeaders", List.of("x-api-key")))
                .post("/v1/endpoints").then().statusCode(201).body("headers.X-Api-Key", equalTo(MASK))
                .body("headers.X-Team", equalTo("billing")).body("secretHeaders", equalTo(List.of("X-Api-Key")))
                .extract().path("id");

        try (Connection db = PostgresTestResource.connect();
                PreparedStatement select = db.prepareStatement("select auth, headers from endpoint where id = ?")) {
            for (String id : List.of(oauth2, mtls, headers)) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    String stored = row.getString(1) + " " + row.getString(2);
                    assertThat(stored).doesNotContain(CLIENT_SECRET, keyBody.substring(0, 40), HEADER_SECRET);
                }
            }
        }

        EndpointState oauth2State = lastState(oauth2);
        assertThat(oauth2State.auth())
                .isEqualTo(EndpointAuth.oauth2("https://localhost/token", "c", CLIENT_SECRET, null));
        assertThat(lastState(mtls).auth().privateKeyPem()).isEqualTo(pem("client-key.pem"));
        assertThat(lastState(headers).headers()).containsEntry("X-Api-Key", HEADER_SECRET);
        for (String id : List.of(oauth2, mtls, headers)) {
            for (ConsumerRecord<String, String> raw : EndpointTopic.awaitRecords(id, found -> !found.isEmpty())) {
                assertThat(raw.value()).doesNotContain(CLIENT_SECRET, keyBody.substring(0, 40), "BEGIN PRIVATE KEY",
                        HEADER_SECRET);
            }
        }
    }

    @Test
    void shouldCreateAnOrderedEndpointAndPublishItOrderedWhileOthersStayUnordered() {
        String tenant = tenant();
        Map<String, Object> orderedBody = body(null);
        orderedBody.put("ordered", true);
        String ordered = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(orderedBody)
                .post("/v1/endpoints").then().statusCode(201).body("ordered", equalTo(true)).extract().path("id");
        String unordered = create(tenant, null).body("ordered", equalTo(false)).extract().path("id");

        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + ordered).then().statusCode(200)
                .body("ordered", equalTo(true));
        assertThat(awaitState(ordered, state -> true).ordered()).isTrue();
        assertThat(awaitState(unordered, state -> true).ordered()).isFalse();

        orderedBody.put("ordered", "yes");
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(orderedBody)
                .post("/v1/endpoints").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void shouldKeepStoredSecretsWhenAPatchSendsTheMaskBackAndReplaceThemOtherwise() {
        String tenant = tenant();
        String id = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/p", "eventTypes", List.of("*"), "auth",
                        Map.of("type", "basic", "username", "u", "password", PASSWORD), "headers",
                        Map.of("X-Api-Key", HEADER_SECRET), "secretHeaders", List.of("X-Api-Key")))
                .post("/v1/endpoints").then().statusCode(201).extract().path("id");
        Map<String, Object> read = given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then()
                .statusCode(200).extract().jsonPath().getMap("$");

        // What was read, sent back with one more header and another user name: the secrets stay as stored.
        Map<String, Object> auth = new LinkedHashMap<>(castMap(read.get("auth")));
        auth.put("username", "v");
        Map<String, Object> headers = new LinkedHashMap<>(castMap(read.get("headers")));
        headers.put("X-Team", "billing");
        patch(tenant, id, Map.of("auth", auth, "headers", headers, "ordered", true)).statusCode(200)
                .body("auth.username", equalTo("v")).body("auth.password", equalTo(MASK))
                .body("headers.X-Api-Key", equalTo(MASK)).body("ordered", equalTo(true));
        EndpointState kept = awaitState(id, state -> "v".equals(state.auth().username()));
        assertThat(kept.auth().password()).isEqualTo(PASSWORD);
        assertThat(kept.headers()).containsEntry("X-Api-Key", HEADER_SECRET).containsEntry("X-Team", "billing");
        assertThat(kept.ordered()).isTrue();

        // A new value replaces; a mask for another type is refused; null removes.
        patch(tenant, id, Map.of("auth", Map.of("type", "basic", "username", "v", "password", "new-password")))
                .statusCode(200);
        assertThat(awaitState(id, state -> "new-password".equals(state.auth().password()))).isNotNull();
        patch(tenant, id, Map.of("auth", Map.of("type", "bearer", "token", MASK))).statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem("auth.token"));
        Map<String, Object> removal = new LinkedHashMap<>();
        removal.put("auth", null);
        patch(tenant, id, removal).statusCode(200).body("auth", nullValue());
        assertThat(awaitState(id, state -> state.auth() == null)).isNotNull();
    }

    @Test
    void shouldRefuseCredentialsThatCannotWorkWith422NamingTheField() {
        String tenant = tenant();
        refused(tenant, Map.of("type", "digest", "token", "x"), "auth.type");
        refused(tenant, Map.of("type", "bearer"), "auth.token");
        refused(tenant, Map.of("type", "bearer", "token", "x", "username", "u"), "auth.username");
        refused(tenant, Map.of("type", "basic", "username", "a:b", "password", "p"), "auth.username");
        refused(tenant, Map.of("type", "oauth2", "tokenUrl", "not a url", "clientId", "c", "clientSecret", "s"),
                "auth.tokenUrl");
        refused(tenant, Map.of("type", "mtls", "certificatePem", "garbage", "privateKeyPem", pem("client-key.pem")),
                "auth.certificatePem");
        refused(tenant,
                Map.of("type", "mtls", "certificatePem", pem("client.pem"), "privateKeyPem", pem("stranger-key.pem")),
                "auth.privateKeyPem");
        // A token URL goes under the same egress policy as the endpoint URL: cloud metadata is always refused.
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(body(Map.of("type", "oauth2", "tokenUrl", "http://169.254.169.254/token", "clientId", "c",
                        "clientSecret", "s")))
                .post("/v1/endpoints").then().statusCode(400).body("errors.field", hasItem("auth.tokenUrl"));
        // Credentials that set Authorization do not go with an Authorization header of the endpoint's own.
        Map<String, Object> both = body(Map.of("type", "bearer", "token", TOKEN));
        both.put("headers", Map.of("authorization", "Bearer other"));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(both).post("/v1/endpoints")
                .then().statusCode(422).body("errors.field", hasItem("headers.Authorization"));
        Map<String, Object> unknownSecretHeader = body(null);
        unknownSecretHeader.put("secretHeaders", List.of("X-Nope"));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(unknownSecretHeader)
                .post("/v1/endpoints").then().statusCode(422).body("errors.field", hasItem("secretHeaders"));
    }

    private static void refused(String tenant, Map<String, Object> auth, String field) {
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body(auth))
                .post("/v1/endpoints").then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:herald:problem:invalid-auth")).body("errors.field", hasItem(field));
    }

    private static Map<String, Object> body(Map<String, Object> auth) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", "https://localhost/auth");
        body.put("eventTypes", List.of("*"));
        if (auth != null) {
            body.put("auth", auth);
        }
        return body;
    }

    private static ValidatableResponse create(String tenant, Map<String, Object> auth) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body(auth))
                .post("/v1/endpoints").then().statusCode(201);
    }

    private static ValidatableResponse patch(String tenant, String id, Map<String, Object> body) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body)
                .patch("/v1/endpoints/" + id).then();
    }

    private static EndpointState lastState(String id) {
        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id, found -> !found.isEmpty());
        return EndpointTopic.state(records.get(records.size() - 1).value());
    }

    private static EndpointState awaitState(String id, java.util.function.Predicate<EndpointState> until) {
        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id,
                found -> found.get(found.size() - 1).value() != null
                        && until.test(EndpointTopic.state(found.get(found.size() - 1).value())));
        return EndpointTopic.state(records.get(records.size() - 1).value());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    static String pem(String name) {
        try (InputStream in = EndpointAuthTests.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pemBody(String pem) {
        List<String> lines = new ArrayList<>(pem.lines().toList());
        lines.removeIf(line -> line.startsWith("-----"));
        return String.join("", lines);
    }

    private static String tenant() {
        return "t-auth-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
