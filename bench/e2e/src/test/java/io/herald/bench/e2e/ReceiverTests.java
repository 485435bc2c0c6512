package io.herald.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

/** The shared-host receiver of the isolation step: one port per tenant, endpoints told apart by path. */
class ReceiverTests {

    Vertx vertx;
    Receiver receiver;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void sharedReceiverPutsEachTenantsEndpointsBehindOneHostPort() {
        receiver = Receiver.startShared(vertx, 3, 4);

        assertThat(receiver.endpoints()).isEqualTo(12);
        assertThat(receiver.listeners()).isEqualTo(3);
        for (int t = 0; t < 3; t++) {
            int first = t * 4;
            assertThat(IntStream.range(first, first + 4).map(receiver::port).distinct().toArray())
                    .containsExactly(receiver.port(first));
        }
        assertThat(IntStream.range(0, 12).map(receiver::port).distinct().count()).isEqualTo(3);
        assertThat(receiver.url(5)).isEqualTo("http://127.0.0.1:" + receiver.port(4) + "/hooks/5");
    }

    @Test
    void sharedReceiverAnswersAndCountsPerEndpointByPath() throws Exception {
        receiver = Receiver.startShared(vertx, 2, 3);
        receiver.mode(4, Receiver.Mode.ERROR_500);

        assertThat(post(receiver.url(3))).isEqualTo(204);
        assertThat(post(receiver.url(3))).isEqualTo(204);
        assertThat(post(receiver.url(4))).isEqualTo(500);

        assertThat(receiver.arrivalsSnapshot()).containsExactly(0, 0, 0, 2, 1, 0);
        assertThat(receiver.takeLatency().getTotalCount()).as("latency of healthy arrivals only").isEqualTo(2);
    }

    @Test
    void sharedReceiverRefusesAnotherTenantsEndpointOnItsPort() throws Exception {
        receiver = Receiver.startShared(vertx, 2, 3);
        String tenant0 = "http://127.0.0.1:" + receiver.port(0);

        assertThat(post(tenant0 + "/hooks/3")).isEqualTo(404);
        assertThat(post(tenant0 + "/hooks/x")).isEqualTo(404);
        assertThat(post(tenant0 + "/other")).isEqualTo(404);
        assertThat(receiver.arrivalsSnapshot()).containsOnly(0);
    }

    @Test
    void hangingEndpointStaysSilentWhileItsNeighbourOnTheSamePortAnswers() throws Exception {
        receiver = Receiver.startShared(vertx, 1, 2);
        receiver.mode(0, Receiver.Mode.HANG);

        HttpRequest hanging = request(receiver.url(0)).timeout(Duration.ofMillis(500)).build();
        var pending = http.sendAsync(hanging, HttpResponse.BodyHandlers.discarding());
        assertThat(post(receiver.url(1))).isEqualTo(204);

        assertThat(pending).as("the hanging endpoint never answers").failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(HttpTimeoutException.class);
        assertThat(receiver.arrivalsSnapshot()).containsExactly(1, 1);
    }

    @Test
    void ownPortReceiverGivesEveryEndpointItsOwnPort() {
        receiver = Receiver.start(vertx, 4);

        assertThat(receiver.listeners()).isEqualTo(4);
        assertThat(IntStream.range(0, 4).map(receiver::port).distinct().count()).isEqualTo(4);
    }

    @Test
    void endpointNumberComesFromTheHooksPath() {
        assertThat(Receiver.endpointOf("/hooks/0")).isZero();
        assertThat(Receiver.endpointOf("/hooks/42")).isEqualTo(42);
        assertThat(Receiver.endpointOf("/hooks/")).isEqualTo(-1);
        assertThat(Receiver.endpointOf("/hooks/4a")).isEqualTo(-1);
        assertThat(Receiver.endpointOf("/hooks/12345678901")).isEqualTo(-1);
        assertThat(Receiver.endpointOf("/ok/1")).isEqualTo(-1);
    }

    @Test
    void settleWaitCoversTheRetryScheduleAndOneTimeoutPerAttempt() {
        assertThat(BenchE2E.defaultSettleSeconds("2000", "1000,2000")).isEqualTo(9);
        assertThat(BenchE2E.defaultSettleSeconds("1500", "500")).isEqualTo(4);
    }

    int post(String url) throws Exception {
        return http.send(request(url).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A webhook like dispatch's: the event's data carries its send time on the harness clock. */
    static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers
                        .ofString("{\"type\":\"t\",\"data\":{\"sentUs\":" + BenchClock.micros() + "}}"));
    }
}
