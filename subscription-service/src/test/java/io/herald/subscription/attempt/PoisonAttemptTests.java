package io.herald.subscription.attempt;

import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.awaitWithin;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.testing.KafkaTestClient;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Isolation of the delivery log: one tenant's receiver bytes or one record the database refuses never stop the delivery
 * log for the others. The records of both tenants share one partition (one key), so they arrive in the same polls, the
 * bad one first.
 */
@QuarkusTest
@ServiceTestResources
class PoisonAttemptTests {

    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
    /** "Promptly": well under a poll's retry budget (20 tries with backoff up to 10 s). */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @Inject
    MeterRegistry registry;

    @Test
    void shouldStoreAnotherTenantsAttemptsPromptlyBesideAReceiverAnswerWithNulBytesAndInvalidUtf8() {
        String noisy = newTenant();
        String noisyEndpoint = createEndpoint(noisy);
        String quiet = newTenant();
        String quietEndpoint = createEndpoint(quiet);
        AttemptMessage bad = attempt(noisy, noisyEndpoint, BASE, "HTTP 500 \0 from \uD800 receiver",
                "{\"oops\":\"\0\0\"}");
        // The error's unpaired surrogate travels as the JSON escape \ud800, and the excerpt also carries bytes that are
        // not UTF-8 at all (0xFF, an overlong NUL C0 80), straight on the wire.
        byte[] badRecord = Json.write(bad).replace("\uD800", "\\ud800").replace("{\\\"oops\\\"", "{\\\"\uE000\\\"")
                .getBytes(StandardCharsets.UTF_8);
        badRecord = replace(badRecord, "\uE000".getBytes(StandardCharsets.UTF_8),
                new byte[] { (byte) 0xFF, (byte) 0xC0, (byte) 0x80 });
        List<AttemptMessage> quietOnes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quietOnes.add(attempt(quiet, quietEndpoint, BASE.plusSeconds(i), null, null));
        }
        List<byte[]> records = new ArrayList<>();
        records.add(badRecord);
        quietOnes.forEach(a -> records.add(Json.write(a).getBytes(StandardCharsets.UTF_8)));

        Instant published = Instant.now();
        publishBytes(noisyEndpoint, records);

        awaitWithin(PROMPTLY, "the quiet tenant's attempts are in its log",
                () -> listed(quiet, quietEndpoint).getList("data").size() == 5);
        assertThat(Duration.between(published, Instant.now())).isLessThan(PROMPTLY);
        JsonPath noisyLog = listed(noisy, noisyEndpoint);
        assertThat(noisyLog.getList("data")).hasSize(1);
        assertThat(noisyLog.getString("data[0].id")).isEqualTo(bad.id());
        assertThat(noisyLog.getString("data[0].error")).isEqualTo("HTTP 500 \uFFFD from \uFFFD receiver");
        String excerpt = noisyLog.getString("data[0].responseExcerpt");
        assertThat(excerpt).startsWith("{\"").endsWith("\":\"\uFFFD\uFFFD\"}").doesNotContain("\0");
        assertThat(excerpt.chars().filter(c -> c == '\uFFFD').count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void shouldParkAnAttemptTheDatabaseRefusesAndStoreTheRestOfItsPollAndLaterPolls() {
        String tenantA = newTenant();
        String endpointA = createEndpoint(tenantA);
        String tenantB = newTenant();
        String endpointB = createEndpoint(tenantB);
        double parkedBefore = parked();
        AttemptMessage first = attempt(tenantB, endpointB, BASE, null, null);
        // An event id (a producer's) too long for a btree index row (at most 2704 bytes; random text does not
        // compress): PostgreSQL refuses the row with SQLSTATE 54000, however often it is tried.
        AttemptMessage refused = attempt(tenantA, endpointA, BASE.plusSeconds(1), "HTTP 503", null,
                Stream.generate(() -> UUID.randomUUID().toString()).limit(200).collect(Collectors.joining()));
        AttemptMessage after = attempt(tenantB, endpointB, BASE.plusSeconds(2), null, null);
        AttemptMessage sameTenant = attempt(tenantA, endpointA, BASE.plusSeconds(3), "HTTP 503", null);

        publish(Topics.ATTEMPTS, endpointA, List.of(first, refused, after, sameTenant));

        awaitWithin(PROMPTLY, "the other attempts of the poll are stored",
                () -> listed(tenantB, endpointB).getList("data").size() == 2
                        && listed(tenantA, endpointA).getList("data").size() == 1);
        assertThat(listed(tenantA, endpointA).getString("data[0].id")).isEqualTo(sameTenant.id());
        assertThat(queryLong("select count(*) from attempt where delivery_id = ?", refused.deliveryId())).isZero();
        await("the refused attempt is counted as parked", () -> parked() >= parkedBefore + 1);

        // The channel keeps going: a later poll is stored too, and the parked record is not retried forever.
        AttemptMessage later = attempt(tenantB, endpointB, BASE.plusSeconds(4), null, null);
        publish(Topics.ATTEMPTS, endpointA, List.of(later));
        awaitWithin(PROMPTLY, "a later poll is stored", () -> listed(tenantB, endpointB).getList("data").size() == 3);
        assertThat(parked()).isEqualTo(parkedBefore + 1);
    }

    @Test
    void shouldParkAnAttemptDatedFarInTheFutureInsteadOfMakingAPartitionForIt() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        double parkedBefore = parked();
        AttemptMessage future = attempt(tenant, endpoint, Instant.parse("2999-01-01T00:00:00Z"), null, null);
        AttemptMessage now = attempt(tenant, endpoint, BASE, null, null);

        publish(Topics.ATTEMPTS, endpoint, List.of(future, now));

        awaitWithin(PROMPTLY, "the present attempt is stored",
                () -> listed(tenant, endpoint).getList("data").size() == 1);
        assertThat(listed(tenant, endpoint).getString("data[0].id")).isEqualTo(now.id());
        assertThat(queryLong("select count(*) from pg_class where relname = 'attempt_p29990101'")).isZero();
        await("the future attempt is counted as parked", () -> parked() >= parkedBefore + 1);
    }

    private double parked() {
        return registry.counter("herald.attempts.parked").count();
    }

    private static JsonPath listed(String tenant, String endpoint) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ))
                .get("/v1/endpoints/" + endpoint + "/attempts").then().statusCode(200).extract().jsonPath();
    }

    private static AttemptMessage attempt(String tenant, String endpoint, Instant at, String error, String excerpt) {
        return attempt(tenant, endpoint, at, error, excerpt, "evt_" + UUID.randomUUID());
    }

    private static AttemptMessage attempt(String tenant, String endpoint, Instant at, String error, String excerpt,
            String event) {
        String delivery = DeliveryMessage.deliveryId(event, endpoint);
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery, 1), delivery,
                "msg_" + UUID.randomUUID(), tenant, endpoint, event, "order.created", 1,
                error == null ? AttemptOutcome.SUCCEEDED : AttemptOutcome.RETRY_SCHEDULED, error == null ? 200 : 500,
                15, error, excerpt, at, null);
    }

    /** Publishes raw record values (key = endpoint id), e.g. bytes that are not UTF-8, and waits for the acks. */
    private static void publishBytes(String key, List<byte[]> values) {
        KafkaTestClient.publishBytes(Topics.ATTEMPTS, key, values);
    }

    private static byte[] replace(byte[] bytes, byte[] target, byte[] replacement) {
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        String from = new String(target, StandardCharsets.ISO_8859_1);
        assertThat(latin).contains(from);
        return latin.replace(from, new String(replacement, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
