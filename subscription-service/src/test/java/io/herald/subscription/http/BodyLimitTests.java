package io.herald.subscription.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.testing.ChunkedUpload;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every route's body is bounded, whether its length is announced or it arrives chunked (no Content-Length): an endless
 * stream is cut off with 413 instead of being buffered.
 */
@QuarkusTest
@ServiceTestResources
class BodyLimitTests {

    private static final byte[] HUGE = ("{\"description\":\"" + "x".repeat(200 * 1024) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest
    @ValueSource(strings = { "POST /v1/endpoints", "PATCH /v1/endpoints/ep_x", "POST /v1/event-types",
            "PATCH /v1/settings", "POST /v1/portal-sessions", "POST /v1/endpoints/ep_x/test-events" })
    void shouldCutOffAnOversizedChunkedBody(String route) throws Exception {
        String[] parts = route.split(" ");
        String contentType = parts[0].equals("PATCH") ? "application/merge-patch+json" : "application/json";
        assertThat(ChunkedUpload.statusLine(base, parts[0], parts[1], TestTokens.admin("t-limits"), contentType))
                .as(route + " with an oversized chunked body").isEqualTo("HTTP/1.1 413 Request Entity Too Large");
    }

    @ParameterizedTest
    @ValueSource(strings = { "POST /v1/endpoints", "PATCH /v1/endpoints/ep_x", "POST /v1/dead-letters/dl_x/replay",
            "POST /v1/event-types", "PATCH /v1/event-types/order.created", "PATCH /v1/settings",
            "POST /v1/portal-sessions", "POST /v1/endpoints/ep_x/test-events" })
    void shouldRefuseAnAnnouncedOversizedBodyWithProblemDetails(String route) throws Exception {
        HttpResponse<String> answer = send(route, BodyPublishers.ofByteArray(HUGE));

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("\"status\":413");
    }

    @Test
    void shouldKeepTheAnswerReadableWhileTheClientIsStillSendingTheBody() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/endpoints HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TestTokens.admin("t-limits") + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + (1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            // The server has answered by now; the client, like most, only reads once it has sent its body. Bytes that
            // arrive after the server closed would be answered with a reset that discards the unread answer.
            byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
            out.flush();
            String status = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
    }

    private HttpResponse<String> send(String route, BodyPublisher body) throws Exception {
        List<String> parts = List.of(route.split(" "));
        HttpRequest request = HttpRequest.newBuilder(base.resolve(parts.get(1)))
                .header("Authorization", "Bearer " + TestTokens.admin("t-limits"))
                .header("Content-Type",
                        parts.get(0).equals("PATCH") ? "application/merge-patch+json" : "application/json")
                .method(parts.get(0), body).build();
        return CLIENT.send(request, BodyHandlers.ofString());
    }
}
