package io.herald.subscription.database;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** A database outage: PostgreSQL stops for a while; the API answers 503 meanwhile and recovers without a restart. */
@QuarkusTest
@TestProfile(OutagePostgres.Profile.class)
class DatabaseOutageTests {

    private static final String PROBLEM_JSON = "application/problem+json";
    /** Connect and pool-wait bounds are 3 s by default; an answer must come well before a client gives up. */
    private static final Duration BOUNDED = Duration.ofSeconds(8);

    @AfterEach
    void databaseBack() {
        OutagePostgres.startServer();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileThePostgresIsDownAndRecoverWhenItIsBack() {
        String tenant = "t-" + UUID.randomUUID();
        String token = TestTokens.admin(tenant);
        create(token).then().statusCode(201);

        OutagePostgres.stopServer();

        for (Supplier<Response> request : List.<Supplier<Response>> of(() -> list(token), () -> create(token))) {
            Instant start = Instant.now();
            Response response = request.get();
            assertThat(Duration.between(start, Instant.now())).isLessThan(BOUNDED);
            response.then().statusCode(503).contentType(PROBLEM_JSON).body("status", equalTo(503));
            assertThat(Integer.parseInt(response.header("Retry-After"))).isPositive();
        }
        given().get("/q/health/ready").then().statusCode(503);

        OutagePostgres.startServer();

        awaitStatus(() -> list(token), 200);
        create(token).then().statusCode(201);
        list(token).then().statusCode(200).body("data.size()", equalTo(2));
        awaitStatus(() -> given().get("/q/health/ready"), 200);
    }

    private static Response list(String token) {
        return given().auth().oauth2(token).get("/v1/endpoints");
    }

    private static Response create(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/outage", "eventTypes", List.of("*"))).post("/v1/endpoints");
    }

    private static void awaitStatus(Supplier<Response> request, int status) {
        await("answer " + status).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).until(() -> request.get().statusCode() == status);
    }
}
