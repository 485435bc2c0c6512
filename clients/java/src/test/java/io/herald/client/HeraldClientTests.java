package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.herald.client.generated.ingest.model.BatchItemResult;
import io.herald.client.generated.ingest.model.BatchResult;
import io.herald.client.generated.ingest.model.EventRequest;

/** The client against a scripted HTTP server on 127.0.0.1: what it sends, how it retries, what it throws. */
class HeraldClientTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it. */
    record Seen(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** A scripted answer: status, headers, body; status -1 closes the connection without an answer. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new ArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private HeraldClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        client = HeraldClient.builder().ingestUrl(url).subscriptionUrl(url).token("t0ken").sleeper(sleeps::add).build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        Answer answer = script.isEmpty() ? new Answer(500, Map.of(), "") : script.poll();
        if (answer.status() < 0) {
            exchange.close();
            return;
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private void then(int status, String body, Map<String, String> headers) {
        script.add(new Answer(status, headers, body));
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static Map<String, String> problem(String... more) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/problem+json"));
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        return headers;
    }

    @Test
    void shouldRetryAPublishThatGot503WithTheSameIdempotencyKeyHonouringRetryAfter() throws Exception {
        then(503, "{\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"Kafka did not answer\"}",
                problem("Retry-After", "1"));
        then(202, "{\"id\":\"evt_1\"}", json());

        String id = client.events().send("order.created", Map.of("orderId", "ord_1")).getId();

        assertThat(id).isEqualTo("evt_1");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).path()).isEqualTo("/v1/events");
        assertThat(seen.get(0).header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(seen.get(0).header("Idempotency-Key")).isNotBlank().isEqualTo(seen.get(1).header("Idempotency-Key"));
        assertThat(JSON.readTree(seen.get(0).body()))
                .isEqualTo(JSON.readTree("{\"type\":\"order.created\",\"data\":{\"orderId\":\"ord_1\"}}"));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void shouldRepeatAPublishThatGotNoAnswerButNotACreate() {
        script.add(new Answer(-1, Map.of(), ""));
        then(202, "{\"id\":\"evt_2\"}", json());
        assertThat(client.events().send("order.created", Map.of()).getId()).isEqualTo("evt_2");
        assertThat(seen).hasSize(2);

        seen.clear();
        script.add(new Answer(-1, Map.of(), ""));
        assertThatThrownBy(() -> client.endpoints().create("https://example.com/hooks", List.of("order.*")))
                .isInstanceOf(HeraldException.ConnectionFailed.class).hasMessageContaining("createEndpoint");
        assertThat(seen).as("a create that may have happened is not sent twice").hasSize(1);
    }

    @Test
    void shouldTurnAProblemDocumentIntoATypedExceptionNamingEachInvalidField() {
        then(422,
                """
                        {"type":"https://herald.dev/problems/invalid","title":"Unprocessable Entity","status":422,
                         "detail":"The request has 1 invalid field(s)","errors":[{"field":"evenTypes","message":"unknown field"}]}
                        """,
                problem());

        assertThatThrownBy(() -> client.endpoints().create("https://example.com/hooks", List.of("order.*")))
                .isInstanceOfSatisfying(HeraldApiException.Invalid.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.problem().errors())
                            .containsExactly(new Problem.FieldError("evenTypes", "unknown field"));
                    assertThat(e.getMessage()).contains("createEndpoint", "evenTypes: unknown field");
                });
        assertThat(seen).hasSize(1);
    }

    @Test
    void shouldMapEachErrorStatusToItsExceptionAndKeepANonProblemBodyAsDetail() {
        then(404, "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"No endpoint ep_x\"}", problem());
        assertThatThrownBy(() -> client.endpoints().get("ep_x")).isInstanceOf(HeraldApiException.NotFound.class)
                .hasMessageContaining("No endpoint ep_x");
        then(401, "", Map.of());
        assertThatThrownBy(() -> client.endpoints().get("ep_x")).isInstanceOf(HeraldApiException.Unauthorized.class);
        then(403, "{\"status\":403,\"detail\":\"needs endpoints:read\"}", problem());
        assertThatThrownBy(() -> client.endpoints().get("ep_x")).isInstanceOf(HeraldApiException.Forbidden.class);
        then(502, "<html>bad gateway</html>", Map.of("Content-Type", "text/html"));
        assertThatThrownBy(() -> client.endpoints().get("ep_x")).isExactlyInstanceOf(HeraldApiException.class)
                .satisfies(e -> assertThat(((HeraldApiException) e).problem().detail())
                        .isEqualTo("<html>bad gateway</html>"));
    }

    @Test
    void shouldGiveUpAtOnceWhenRetryAfterIsLongerThanTheLongestBackoff() {
        then(429, "{\"status\":429,\"detail\":\"rate limit\"}", problem("Retry-After", "60"));

        assertThatThrownBy(() -> client.events().send("order.created", Map.of())).isInstanceOfSatisfying(
                HeraldApiException.RateLimited.class, e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(60)));
        assertThat(seen).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldStopAfterTheLastAttemptTheRetryPolicyAllows() {
        for (int i = 0; i < 4; i++) {
            then(503, "{\"status\":503,\"detail\":\"database unavailable\"}", problem());
        }

        assertThatThrownBy(() -> client.deadLetters().replay("dl_1"))
                .isInstanceOf(HeraldApiException.Unavailable.class);
        assertThat(seen).hasSize(RetryPolicy.defaults().maxAttempts());
        assertThat(sleeps).hasSize(3).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void shouldSendThe503ItemsOfABatchAgainWithTheIdsHeraldGaveThem() throws Exception {
        then(207, """
                {"accepted":1,"rejected":2,"results":[
                 {"index":0,"status":202,"id":"evt_a"},
                 {"index":1,"status":503,"id":"evt_b","detail":"not acknowledged in time"},
                 {"index":2,"status":400,"detail":"invalid","errors":[{"field":"type","message":"required"}]}]}
                """, json());
        then(207, "{\"accepted\":1,\"rejected\":0,\"results\":[{\"index\":0,\"status\":202,\"id\":\"evt_b\"}]}",
                json());

        BatchResult result = client.events().sendBatch(List.of(new EventRequest().type("a.b").data(Map.of("n", 1)),
                new EventRequest().type("a.b").data(Map.of("n", 2)), new EventRequest().data(Map.of())));

        assertThat(result.getAccepted()).isEqualTo(2);
        assertThat(result.getResults())
                .extracting(BatchItemResult::getIndex, r -> r.getStatus().getValue(), BatchItemResult::getId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 202, "evt_a"),
                        org.assertj.core.groups.Tuple.tuple(1, 202, "evt_b"),
                        org.assertj.core.groups.Tuple.tuple(2, 400, null));
        JsonNode retried = JSON.readTree(seen.get(1).body());
        assertThat(retried.get("events")).hasSize(1);
        assertThat(retried.at("/events/0/id").asText()).isEqualTo("evt_b");
        assertThat(retried.at("/events/0/data/n").asInt()).isEqualTo(2);
        assertThat(seen.get(1).header("Idempotency-Key")).isNotEqualTo(seen.get(0).header("Idempotency-Key"));
    }
}
