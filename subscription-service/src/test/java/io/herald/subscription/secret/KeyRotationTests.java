package io.herald.subscription.secret;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.Keyring;
import io.herald.subscription.EndpointTopic;
import io.herald.subscription.endpoint.EndpointResealJob;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A key rotation: the service runs with a keyring whose newest key {@code k2} is put in front of the older ones; the
 * re-encryption job moves rows sealed under an older key and republishes their state, after which the older key is no
 * longer needed anywhere. A value under a key id the keyring lacks, or not sealed at all, is refused, never taken as
 * plaintext.
 */
@QuarkusTest
@ServiceTestResources
@TestProfile(KeyRotationTests.Profile.class)
class KeyRotationTests {

    static final String NEW_KEY = key(7);
    static final String OLD_KEY = key(3);
    /** The bare key of %test in application.properties (key id v1). */
    static final String DEFAULT_TEST_KEY = "dGVzdC1vbmx5LWhlcmFsZC1zZWNyZXRzLWtleS0wMDE=";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    EndpointResealJob job;

    /** The test keyring with {@code k2} in front; the default test key stays to open what other test classes wrote. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(SecretCipher.SETTING, "k2:" + NEW_KEY + ",k1:" + OLD_KEY + ",v1:" + DEFAULT_TEST_KEY);
        }
    }

    @Test
    void shouldMoveRowsAndEndpointStatesToTheNewestKeySoTheOldKeyCanBeDropped() throws Exception {
        Keyring old = Keyring.parse("k1:" + OLD_KEY, "old");
        Keyring newOnly = Keyring.parse("k2:" + NEW_KEY, "new");
        String tenant = "t-rot-" + UUID.randomUUID().toString().substring(0, 8);
        String id = "ep_rot" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);
        String previous = "whsec_" + Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        String token = "outbound-token-" + UUID.randomUUID();
        insertEndpoint(id, tenant, old.seal(secret, id), old.seal(previous, id), Instant.now().plusSeconds(3600),
                old.seal(Json.write(Map.of("Authorization", "Basic c2VjcmV0")), id),
                old.seal(Json.write(EndpointAuth.bearer(token)), id));

        // Both keys are in the keyring: the row is served whichever key it is under.
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then().statusCode(200)
                .body("secret", equalTo(secret));

        runJob();

        String[] columns = columns(id);
        assertThat(columns).allSatisfy(value -> assertThat(value).startsWith("k2:"));
        assertThat(newOnly.open(columns[0], id)).isEqualTo(secret);
        assertThat(newOnly.open(columns[1], id)).isEqualTo(previous);
        assertThat(newOnly.open(columns[2], id)).contains("Basic c2VjcmV0");
        assertThat(Json.read(newOnly.open(columns[3], id), EndpointAuth.class).token()).isEqualTo(token);
        assertThat(job.unsealed()).isZero();

        // The republished state opens with the new key alone; nothing in it is under k1 or in clear.
        ConsumerRecord<String, String> latest = last(EndpointTopic.awaitRecords(id, found -> !found.isEmpty()));
        assertThat(latest.value()).doesNotContain("\"k1:", secret, "c2VjcmV0", token);
        EndpointState state = Json.read(latest.value(), EndpointState.class).opened(newOnly);
        assertThat(state.secrets()).extracting(EndpointSecret::secret).containsExactly(secret, previous);
        assertThat(state.headers()).containsEntry("Authorization", "Basic c2VjcmV0");
        assertThat(state.auth().token()).isEqualTo(token);

        // A second run finds nothing to move and publishes nothing.
        int published = EndpointTopic.recordsNow(id).size();
        runJob();
        assertThat(EndpointTopic.recordsNow(id)).hasSize(published);
        assertThat(columns(id)).containsExactly(columns);
    }

    @Test
    void shouldRefuseAValueUnderAnUnknownKeyIdOrInClearAndLeaveItAsItIs() throws Exception {
        Keyring dropped = Keyring.parse("k0:" + key(9), "dropped");
        String tenant = "t-rot-" + UUID.randomUUID().toString().substring(0, 8);
        String id = "ep_rotx" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String unknown = dropped.seal("whsec_" + Base64.getEncoder().encodeToString(new byte[24]), id);
        insertEndpoint(id, tenant, unknown, null, null, null, null);
        try {
            runJob();

            assertThat(job.unsealed()).isEqualTo(1);
            assertThat(columns(id)[0]).isEqualTo(unknown);
            assertThat(EndpointTopic.recordsNow(id)).isEmpty();
            given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then()
                    .statusCode(500).body(not(containsString("whsec_")));

            // A plaintext secret (no key id) is refused the same way, never served or published.
            String plaintext = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);
            update(id, plaintext);
            runJob();
            assertThat(job.unsealed()).isEqualTo(1);
            assertThat(columns(id)[0]).isEqualTo(plaintext);
            assertThat(EndpointTopic.recordsNow(id)).isEmpty();
            given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id + "/secret").then()
                    .statusCode(500).body(not(containsString("whsec_")));
        } finally {
            delete(id);
        }
    }

    private void runJob() {
        await("the rotation job idle").atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> !job.running());
        job.run();
        await("the rotation job done").atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> !job.running());
    }

    private static ConsumerRecord<String, String> last(List<ConsumerRecord<String, String>> records) {
        return records.get(records.size() - 1);
    }

    static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void insertEndpoint(String id, String tenant, String secret, String previous, Instant expires,
            String headers, String auth) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement insert = db.prepareStatement("insert into endpoint (id, "
                        + "tenant, url, event_types, enabled, secret, previous_secret, previous_secret_expires_at, headers, "
                        + "auth, created_at, updated_at, version, state_schema_version) values (?, ?, "
                        + "'https://localhost/rot', '{*}', true, ?, ?, ?, ?, ?, now(), now(), 0, 2)")) {
            insert.setString(1, id);
            insert.setString(2, tenant);
            insert.setString(3, secret);
            insert.setString(4, previous);
            insert.setTimestamp(5, expires == null ? null : Timestamp.from(expires));
            insert.setString(6, headers);
            insert.setString(7, auth);
            insert.executeUpdate();
        }
    }

    private static String[] columns(String id) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement select = db
                        .prepareStatement("select secret, previous_secret, headers, auth from endpoint where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new String[] { row.getString(1), row.getString(2), row.getString(3), row.getString(4) };
            }
        }
    }

    private static void update(String id, String secret) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement update = db.prepareStatement("update endpoint set secret = ? where id = ?")) {
            update.setString(1, secret);
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    private static void delete(String id) throws SQLException {
        try (Connection db = PostgresTestResource.connect();
                PreparedStatement delete = db.prepareStatement("delete from endpoint where id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
    }
}
