package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Bad requests of every kind answer 4xx {@code application/problem+json} with the status in the body, and nothing is
 * created: malformed JSON, wrong types, huge bodies, bad URLs, SSRF forms, reserved headers, out-of-range options.
 */
@QuarkusTest
@ServiceTestResources
class BadInputTests {

    private static final String TENANT = "t-bad-" + UUID.randomUUID();
    private static final String JSON = "application/json";
    private static String endpointId;

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // Not the right JSON.
                bad("malformed JSON", "POST", JSON, "{\"url\": \"https://localhost\", ", 400),
                bad("body an array", "POST", JSON, "[1, 2]", 400), bad("body a string", "POST", JSON, "\"hello\"", 400),
                bad("url a number", "POST", JSON, "{\"url\": 42, \"eventTypes\": [\"a.b\"]}", 400),
                bad("eventTypes an object", "POST", JSON, "{\"url\": \"https://localhost\", \"eventTypes\": {}}", 400),
                bad("rate limit a word", "POST", JSON, create("\"rateLimitPerSecond\": \"fast\""), 400),
                bad("headers a list", "POST", JSON, create("\"headers\": [\"X-A: 1\"]"), 400),
                bad("retry delays words", "POST", JSON, create("\"retryScheduleMs\": [\"soon\"]"), 400),
                bad("not JSON at all", "POST", "text/plain", "url=https://localhost", 415),
                bad("huge body", "POST", JSON, create("\"description\": \"" + "x".repeat(70 * 1024) + "\""), 413),
                // Bad URLs.
                bad("relative url", "POST", JSON, body("/hooks"), 400),
                bad("javascript url", "POST", JSON, body("javascript:alert(1)"), 400),
                bad("ftp url", "POST", JSON, body("ftp://localhost/x"), 400),
                bad("url without host", "POST", JSON, body("http:///x"), 400),
                bad("url too long", "POST", JSON, body("https://localhost/" + "a".repeat(2100)), 400),
                bad("url with a bad port", "POST", JSON, body("http://localhost:99999/x"), 400),
                // SSRF forms.
                bad("private IPv4", "POST", JSON, body("http://10.0.0.1/hook"), 400),
                bad("private 192.168", "POST", JSON, body("http://192.168.1.20/hook"), 400),
                bad("cloud metadata", "POST", JSON, body("http://169.254.169.254/latest/meta-data"), 400),
                bad("metadata by name", "POST", JSON, body("http://metadata.google.internal/"), 400),
                bad("IPv4-mapped metadata", "POST", JSON, body("http://[::ffff:169.254.169.254]/"), 400),
                bad("decimal private IPv4", "POST", JSON, body("http://167772161/"), 400),
                bad("hex private IPv4", "POST", JSON, body("http://0x0a000001/"), 400),
                bad("unspecified address", "POST", JSON, body("http://0.0.0.0:8080/"), 400),
                bad("unique local IPv6", "POST", JSON, body("http://[fd00::1]/"), 400),
                bad("carrier-grade NAT", "POST", JSON, body("http://100.64.0.1/"), 400),
                // Headers.
                bad("reserved webhook header", "POST", JSON, create("\"headers\": {\"webhook-id\": \"x\"}"), 400),
                bad("reserved content-type", "POST", JSON, create("\"headers\": {\"Content-Type\": \"text/xml\"}"),
                        400),
                bad("reserved host", "POST", JSON, create("\"headers\": {\"Host\": \"internal\"}"), 400),
                bad("header name with a space", "POST", JSON, create("\"headers\": {\"X Team\": \"a\"}"), 400),
                bad("header value with CRLF", "POST", JSON,
                        create("\"headers\": {\"X-Team\": \"a\\r\\nX-Injected: 1\"}"), 400),
                bad("too many headers", "POST", JSON,
                        create("\"headers\": {" + IntStream.range(0, 21).mapToObj(i -> "\"X-H" + i + "\": \"v\"")
                                .collect(Collectors.joining(", ")) + "}"),
                        400),
                // Options out of range.
                bad("rate limit zero", "POST", JSON, create("\"rateLimitPerSecond\": 0"), 400),
                bad("rate limit too high", "POST", JSON, create("\"rateLimitPerSecond\": 10001"), 400),
                bad("empty retry schedule", "POST", JSON, create("\"retryScheduleMs\": []"), 400),
                bad("negative retry delay", "POST", JSON, create("\"retryScheduleMs\": [1000, -5]"), 400),
                bad("retry delay over 7 days", "POST", JSON, create("\"retryScheduleMs\": [604800001]"), 400),
                bad("too many retries", "POST", JSON,
                        create("\"retryScheduleMs\": ["
                                + IntStream.range(0, 21).mapToObj(i -> "1000").collect(Collectors.joining(",")) + "]"),
                        400),
                // Patches.
                bad("patch url null", "PATCH", JSON, "{\"url\": null}", 400),
                bad("patch eventTypes empty", "PATCH", JSON, "{\"eventTypes\": []}", 400),
                bad("patch enabled a string", "PATCH", JSON, "{\"enabled\": \"no\"}", 400),
                bad("patch to a private address", "PATCH", "application/merge-patch+json",
                        "{\"url\": \"http://172.16.0.1/\"}", 400),
                bad("patch malformed", "PATCH", JSON, "{\"description\": ", 400),
                // Query parameters.
                bad("limit zero", "GET?limit=0", null, null, 400),
                bad("limit too large", "GET?limit=1000", null, null, 400),
                bad("cursor forged", "GET?cursor=ZXBfMQ", null, null, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void shouldAnswer4xxProblemJson(String name, String method, String contentType, String body, int status) {
        var request = given().auth().oauth2(TestTokens.admin(TENANT));
        if (contentType != null) {
            request.contentType(contentType);
        }
        if (body != null) {
            request.body(body);
        }
        String path = "/v1/endpoints";
        String verb = method;
        if (method.startsWith("GET?")) {
            verb = "GET";
            path += method.substring(3);
        } else if (method.equals("PATCH")) {
            path += "/" + endpointId();
        }
        ExtractableResponse<Response> answer = request.when().request(verb, path).then().extract();

        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.<Integer> path("status")).isEqualTo(status);
        assertThat(answer.<String> path("detail")).isNotBlank();
    }

    private static synchronized String endpointId() {
        if (endpointId == null) {
            endpointId = given().auth().oauth2(TestTokens.admin(TENANT)).contentType(JSON)
                    .body(Map.of("url", "https://localhost/target", "eventTypes", List.of("*"))).post("/v1/endpoints")
                    .then().statusCode(201).extract().path("id");
        }
        return endpointId;
    }

    private static Arguments bad(String name, String method, String contentType, String body, int status) {
        return Arguments.of(name, method, contentType, body, status);
    }

    private static String body(String url) {
        return "{\"url\": \"" + url + "\", \"eventTypes\": [\"order.created\"]}";
    }

    private static String create(String extraField) {
        return "{\"url\": \"https://localhost/hooks\", \"eventTypes\": [\"order.created\"], " + extraField + "}";
    }
}
