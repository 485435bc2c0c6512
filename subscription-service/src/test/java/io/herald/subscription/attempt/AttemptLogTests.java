package io.herald.subscription.attempt;

import static io.herald.subscription.attempt.LogTestSupport.PROBLEM_JSON;
import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.execute;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@ServiceTestResources
class AttemptLogTests {

    /** Whole seconds, an hour ago: every attempt of a test lies in the hour before it. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    @Inject
    AttemptPartitions partitions;

    @Test
    void shouldReadTheirTopicsFromContracts() {
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.attempts-in.topic", String.class))
                .isEqualTo(Topics.ATTEMPTS);
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.dlq-in.topic", String.class))
                .isEqualTo(Topics.DLQ);
    }

    @Test
    void shouldStoreEachAttemptOnceWhenTheTopicDeliversItAgain() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        List<AttemptMessage> attempts = Stream.iterate(0, i -> i + 1).limit(5).map(i -> attempt(tenant, endpoint,
                "evt_" + UUID.randomUUID(), 1, AttemptOutcome.SUCCEEDED, 200, BASE.minusSeconds(i))).toList();

        // Duplicates within one poll and in a later one, as a consumer-group reset or a producer retry would give.
        publish(Topics.ATTEMPTS, endpoint, Stream.concat(attempts.stream(), attempts.stream()).toList());
        publish(Topics.ATTEMPTS, endpoint, attempts);
        // The same attempt id at a later time is a replayed delivery's new attempt: a row of its own.
        AttemptMessage first = attempts.get(0);
        AttemptMessage afterReplay = attempt(tenant, endpoint, first.eventId(), 1, AttemptOutcome.SUCCEEDED, 200,
                BASE.plusSeconds(30));
        // Records of one endpoint share a partition: once this last one is stored, every duplicate was consumed.
        AttemptMessage last = attempt(tenant, endpoint, "evt_last", 1, AttemptOutcome.SUCCEEDED, 200,
                BASE.plusSeconds(60));
        publish(Topics.ATTEMPTS, endpoint, List.of(afterReplay, last));
        await("the last attempt is stored",
                () -> queryLong("select count(*) from attempt where id = ?", last.id()) == 1);

        assertThat(queryLong("select count(*) from attempt where endpoint_id = ?", endpoint)).isEqualTo(7);
        for (AttemptMessage attempt : attempts) {
            assertThat(queryLong("select count(*) from attempt where id = ? and attempted_at = ?", attempt.id(),
                    java.sql.Timestamp.from(attempt.attemptedAt()))).as(attempt.id()).isEqualTo(1);
        }
        assertThat(queryLong("select count(*) from attempt where id = ?", first.id())).isEqualTo(2);
        read(tenant).get("/v1/endpoints/" + endpoint + "/attempts").then().statusCode(200)
                .body("data.size()", equalTo(7)).body("data[0].id", equalTo(last.id()))
                .body("data[1].id", equalTo(first.id()));
    }

    @Test
    void shouldKeepEachAttemptsTraceIdAndShowItInTheLog() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        AttemptMessage traced = withTraceId(
                attempt(tenant, endpoint, "evt_traced", 1, AttemptOutcome.SUCCEEDED, 200, BASE.plusSeconds(1)),
                traceId);
        AttemptMessage untraced = attempt(tenant, endpoint, "evt_untraced", 1, AttemptOutcome.SUCCEEDED, 200,
                BASE.plusSeconds(2));
        // Not a trace id: kept out of the log rather than shown as one.
        AttemptMessage garbled = withTraceId(
                attempt(tenant, endpoint, "evt_garbled", 1, AttemptOutcome.SUCCEEDED, 200, BASE.plusSeconds(3)),
                "not-a-trace-id");

        publish(Topics.ATTEMPTS, endpoint, List.of(traced, untraced, garbled));
        await("the attempts are stored",
                () -> queryLong("select count(*) from attempt where endpoint_id = ?", endpoint) == 3);

        JsonPath page = list(tenant, "/v1/endpoints/" + endpoint + "/attempts", Map.of());
        assertThat(page.getString("data.find { it.eventId == 'evt_traced' }.traceId")).isEqualTo(traceId);
        assertThat(page.getString("data.find { it.eventId == 'evt_untraced' }.traceId")).isNull();
        assertThat(page.getString("data.find { it.eventId == 'evt_garbled' }.traceId")).isNull();
        read(tenant).get("/v1/events/evt_traced/attempts").then().statusCode(200).body("data[0].traceId",
                equalTo(traceId));
    }

    @Test
    void shouldPageAndFilterAnEndpointsAttemptsNewestFirst() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        List<AttemptMessage> attempts = List.of(
                attempt(tenant, endpoint, "evt_0", 1, AttemptOutcome.SUCCEEDED, 200, BASE),
                attempt(tenant, endpoint, "evt_1", 1, AttemptOutcome.RETRY_SCHEDULED, 503, minutesBefore(10)),
                attempt(tenant, endpoint, "evt_2", 1, AttemptOutcome.RETRY_SCHEDULED, null, minutesBefore(20)),
                attempt(tenant, endpoint, "evt_3", 2, AttemptOutcome.SUCCEEDED, 204, minutesBefore(30)),
                attempt(tenant, endpoint, "evt_4", 7, AttemptOutcome.EXHAUSTED, 500, minutesBefore(40)),
                attempt(tenant, endpoint, "evt_5", 1, AttemptOutcome.RETRY_SCHEDULED, 429, minutesBefore(50)),
                attempt(tenant, endpoint, "evt_6", 1, AttemptOutcome.SUCCEEDED, 200, minutesBefore(60)));
        publish(Topics.ATTEMPTS, endpoint, attempts);
        String path = "/v1/endpoints/" + endpoint + "/attempts";
        await("7 attempts are listed",
                () -> read(tenant).get(path).then().extract().jsonPath().getList("data").size() == 7);

        // Pages of 3, newest first, following the cursors to the end.
        JsonPath page1 = read(tenant).queryParam("limit", 3).get(path).then().statusCode(200).extract().jsonPath();
        assertThat(eventIds(page1)).containsExactly("evt_0", "evt_1", "evt_2");
        JsonPath page2 = read(tenant).queryParam("limit", 3).queryParam("cursor", page1.getString("nextCursor"))
                .get(path).then().statusCode(200).extract().jsonPath();
        assertThat(eventIds(page2)).containsExactly("evt_3", "evt_4", "evt_5");
        JsonPath page3 = read(tenant).queryParam("limit", 3).queryParam("cursor", page2.getString("nextCursor"))
                .get(path).then().statusCode(200).extract().jsonPath();
        assertThat(eventIds(page3)).containsExactly("evt_6");
        assertThat(page3.getString("nextCursor")).isNull();

        // What an item carries.
        read(tenant).get(path).then().body("data[1].status", equalTo("retry_scheduled"))
                .body("data[1].statusCode", equalTo(503)).body("data[1].attempt", equalTo(1))
                .body("data[1].webhookId", equalTo("evt_1")).body("data[1].eventType", equalTo("order.created"))
                .body("data[1].attemptedAt", equalTo(minutesBefore(10).toString()))
                .body("data[1].deliveryId", equalTo(DeliveryMessage.deliveryId("evt_1", endpoint)))
                .body("data[2].statusCode", equalTo(null)).body("data[0]", not(hasKey("tenant")));

        assertThat(eventIds(list(tenant, path, Map.of("status", "retry_scheduled")))).containsExactly("evt_1", "evt_2",
                "evt_5");
        assertThat(eventIds(list(tenant, path, Map.of("status", "5xx")))).containsExactly("evt_1", "evt_4");
        assertThat(eventIds(list(tenant, path, Map.of("status", "RETRY_SCHEDULED,5xx")))).containsExactly("evt_1");
        assertThat(eventIds(list(tenant, path, Map.of("status", "4xx,204")))).containsExactly("evt_3", "evt_5");
        assertThat(eventIds(read(tenant).queryParam("status", "succeeded").queryParam("status", "exhausted").get(path)
                .then().statusCode(200).extract().jsonPath())).containsExactly("evt_0", "evt_3", "evt_4", "evt_6");
        // from is inclusive, to exclusive.
        assertThat(eventIds(
                list(tenant, path, Map.of("from", minutesBefore(40).toString(), "to", minutesBefore(10).toString()))))
                        .containsExactly("evt_2", "evt_3", "evt_4");
        // A filter and the cursor together.
        JsonPath succeeded = list(tenant, path, Map.of("status", "succeeded", "limit", "2"));
        assertThat(eventIds(succeeded)).containsExactly("evt_0", "evt_3");
        assertThat(eventIds(list(tenant, path,
                Map.of("status", "succeeded", "limit", "2", "cursor", succeeded.getString("nextCursor")))))
                        .containsExactly("evt_6");
    }

    @Test
    void shouldShowAnEventsAttemptsOnlyToItsTenant() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        String endpointA = createEndpoint(tenantA);
        String endpointB = createEndpoint(tenantB);
        // Producers choose event ids: two tenants may use the same one.
        String event = "evt_shared_" + UUID.randomUUID();
        AttemptMessage a1 = attempt(tenantA, endpointA, event, 1, AttemptOutcome.RETRY_SCHEDULED, 500,
                minutesBefore(5));
        AttemptMessage a2 = attempt(tenantA, endpointA, event, 2, AttemptOutcome.SUCCEEDED, 200, minutesBefore(4));
        AttemptMessage b1 = attempt(tenantB, endpointB, event, 1, AttemptOutcome.SUCCEEDED, 200, minutesBefore(3));
        publish(Topics.ATTEMPTS, endpointA, List.of(a1, a2));
        publish(Topics.ATTEMPTS, endpointB, List.of(b1));
        String path = "/v1/events/" + event + "/attempts";
        await("both tenants' attempts are stored",
                () -> queryLong("select count(*) from attempt where event_id = ?", event) == 3);

        read(tenantA).get(path).then().statusCode(200).body("data.id", equalTo(List.of(a2.id(), a1.id())))
                .body("data.endpointId", equalTo(List.of(endpointA, endpointA)));
        read(tenantB).get(path).then().statusCode(200).body("data.id", equalTo(List.of(b1.id())));
        read(newTenant()).get(path).then().statusCode(200).body("data.size()", equalTo(0)).body("nextCursor",
                equalTo(null));

        JsonPath first = list(tenantA, path, Map.of("limit", "1"));
        assertThat(first.getList("data.id")).containsExactly(a2.id());
        JsonPath second = list(tenantA, path, Map.of("limit", "1", "cursor", first.getString("nextCursor")));
        assertThat(second.getList("data.id")).containsExactly(a1.id());
        assertThat(second.getString("nextCursor")).isNull();

        // Another tenant's endpoint: 404, the same as an endpoint that does not exist, and none of its attempts.
        read(tenantA).get("/v1/endpoints/" + endpointB + "/attempts").then().statusCode(404).contentType(PROBLEM_JSON)
                .body("status", equalTo(404)).body("$", not(hasKey("data")));
        read(tenantA).get("/v1/endpoints/ep_doesnotexist/attempts").then().statusCode(404).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldAnswerEveryBadRequestWithProblemJson() {
        String tenant = newTenant();
        String path = "/v1/endpoints/" + createEndpoint(tenant) + "/attempts";

        for (Map<String, String> query : List.of(Map.of("status", "bogus"), Map.of("status", "6xx"),
                Map.of("cursor", "not-a-cursor"), Map.of("cursor", "MTpub3Q6YQ"), Map.of("from", "yesterday"),
                Map.of("to", "2026-13-01T00:00:00Z"),
                Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"), Map.of("limit", "0"),
                Map.of("limit", "101"), Map.of("limit", "ten"))) {
            read(tenant).queryParams(query).get(path).then().statusCode(400).contentType(PROBLEM_JSON).body("status",
                    equalTo(400));
        }
        read(tenant).queryParam("status", "bogus").get("/v1/events/evt_1/attempts").then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors[0].field", equalTo("status"));
        given().get(path).then().statusCode(401).contentType(PROBLEM_JSON);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get(path).then().statusCode(403)
                .contentType(PROBLEM_JSON);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get("/v1/events/evt_1/attempts").then()
                .statusCode(403).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldDropWholeDaysPastTheRetentionAndKeepTheRest() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate expired = today.minusDays(40);
        LocalDate kept = today.minusDays(20);
        for (LocalDate day : List.of(expired, kept)) {
            execute("select herald_attempt_ensure_partition('" + day + "')");
            execute("insert into attempt (id, attempted_at, tenant, endpoint_id, event_id, event_type, delivery_id,"
                    + " webhook_id, attempt, latency_ms) values ('retention." + day + "', '" + day
                    + "T12:00:00Z', 't', 'ep', 'evt', 'x', 'd', 'w', 1, 1) on conflict do nothing");
        }

        partitions.maintain().await().atMost(Duration.ofSeconds(30));

        assertThat(partitionExists(expired)).isFalse();
        assertThat(partitionExists(kept)).isTrue();
        assertThat(queryLong("select count(*) from attempt where id = ?", "retention." + kept)).isEqualTo(1);
        for (int ahead = 0; ahead <= 3; ahead++) {
            assertThat(partitionExists(today.plusDays(ahead))).as("partition %d days ahead", ahead).isTrue();
        }
    }

    private static boolean partitionExists(LocalDate day) {
        return queryLong("select count(*) from pg_class where relname = ?",
                "attempt_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE)) == 1;
    }

    private static Instant minutesBefore(int minutes) {
        return BASE.minus(Duration.ofMinutes(minutes));
    }

    static AttemptMessage attempt(String tenant, String endpoint, String eventId, int number, AttemptOutcome outcome,
            Integer status, Instant at) {
        String delivery = DeliveryMessage.deliveryId(eventId, endpoint);
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery, number), delivery,
                eventId, tenant, endpoint, eventId, "order.created", number, outcome, status, 12,
                outcome == AttemptOutcome.SUCCEEDED ? null : "failed", status == null ? null : "{}", at,
                outcome == AttemptOutcome.RETRY_SCHEDULED ? at.plusSeconds(5) : null);
    }

    private static AttemptMessage withTraceId(AttemptMessage a, String traceId) {
        return new AttemptMessage(a.schemaVersion(), a.id(), a.deliveryId(), a.webhookId(), a.tenant(), a.endpointId(),
                a.eventId(), a.eventType(), a.attempt(), a.outcome(), a.statusCode(), a.latencyMs(), a.error(),
                a.responseExcerpt(), a.attemptedAt(), a.nextAttemptAt(), traceId);
    }

    private static RequestSpecification read(String tenant) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ));
    }

    private static JsonPath list(String tenant, String path, Map<String, String> query) {
        return read(tenant).queryParams(query).get(path).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> eventIds(JsonPath page) {
        return new ArrayList<>(page.getList("data.eventId", String.class));
    }
}
