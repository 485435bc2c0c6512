package io.herald.dispatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.herald.contracts.egress.EgressPolicy;
import io.vertx.mutiny.core.Vertx;

/**
 * The client against raw sockets that misbehave in ways a well-behaved test server cannot (loopback allow-listed).
 */
class WebhookHttpClientTests {

    private static final int REQUEST_TIMEOUT_MS = 1000;
    private static final int IDLE_TIMEOUT_MS = 5000;
    private static final int MAX_BODY = 100;

    private final Vertx vertx = Vertx.vertx();
    private final WebhookHttpClient client = new WebhookHttpClient(vertx,
            new TestDispatchConfig(REQUEST_TIMEOUT_MS, IDLE_TIMEOUT_MS, MAX_BODY, "127.0.0.0/8"), 4,
            EgressPolicy.NameResolver.SYSTEM);
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        client.close();
        vertx.closeAndAwait();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldResetAResponseThatTricklesPastTheTotalDeadline() throws Exception {
        // One byte every 100 ms never trips the idle timeout; only the total deadline ends it.
        serve(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        });

        long start = System.nanoTime();
        WebhookResponse response = post();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(IDLE_TIMEOUT_MS);
        assertThat(response.error()).isEqualTo("No complete response within " + REQUEST_TIMEOUT_MS + " ms");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.latencyMs()).isGreaterThanOrEqualTo(REQUEST_TIMEOUT_MS - 50L);
    }

    @Test
    void shouldCloseTheConnectionOfAnEndlessBodyOnceTheCapIsRead() throws Exception {
        CompletableFuture<Long> closedAfter = new CompletableFuture<>();
        AtomicLong written = new AtomicLong();
        serve(out -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("1000\r\n" + "y".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            try {
                while (true) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException closed) {
                closedAfter.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        });

        WebhookResponse response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.error()).isNull();
        assertThat(response.isSuccess()).isTrue();
        assertThat(response.bodyExcerpt()).isEqualTo("y".repeat(MAX_BODY));
        // Drained instead of closed, the body would run until the deadline reset it.
        assertThat(closedAfter.get(REQUEST_TIMEOUT_MS / 2, TimeUnit.MILLISECONDS)).isLessThan(REQUEST_TIMEOUT_MS / 2L);
        assertThat(written.get()).isLessThan(64L * 1024 * 1024);
        assertThat(response.latencyMs()).isLessThan(REQUEST_TIMEOUT_MS / 2L);
    }

    @Test
    void shouldSendOnceMoreWhenTheConnectionIsClosedBeforeAnyAnswer() throws Exception {
        // As a pooled connection the receiver closed as idle fails: the request goes out, the connection just closes.
        AtomicInteger connections = serveEach(List.of(out -> {
        }, out -> out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));

        WebhookResponse response = post();

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.error()).isNull();
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void shouldSendOnlyOnceMoreWhenEveryConnectionIsClosedBeforeAnyAnswer() throws Exception {
        AtomicInteger connections = serveEach(List.of(out -> {
        }, out -> {
        }, out -> out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));

        WebhookResponse response = post();

        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).contains("Connection was closed");
        assertThat(response.isSuccess()).isFalse();
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void shouldNotSendAgainWhenTheConnectionIsClosedAfterTheAnswerBegan() throws Exception {
        AtomicInteger connections = serveEach(List.of(
                out -> out
                        .write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII)),
                out -> out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));

        WebhookResponse response = post();

        assertThat(response.isSuccess()).isFalse();
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void shouldDescribeARefusedConnection() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        WebhookResponse response = client.post("ep_1", "http://127.0.0.1:" + port + "/hook", Map.of(), new byte[0])
                .await().atMost(Duration.ofSeconds(10));

        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).containsIgnoringCase("refused");
        assertThat(response.isSuccess()).isFalse();
    }

    @Test
    void shouldDescribeAnInvalidUrl() {
        WebhookResponse response = client.post("ep_1", "not a url", Map.of(), new byte[0]).await()
                .atMost(Duration.ofSeconds(10));

        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).isNotBlank();
    }

    private WebhookResponse post() {
        return client
                .post("ep_1", "http://127.0.0.1:" + server.getLocalPort() + "/hook",
                        Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8))
                .await().atMost(Duration.ofSeconds(10));
    }

    interface Responder {
        void respond(OutputStream out) throws Exception;
    }

    /** Accepts one connection, reads the request head and answers by hand. */
    private void serve(Responder responder) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try (Socket socket = server.accept()) {
                readHead(socket.getInputStream());
                responder.respond(socket.getOutputStream());
            } catch (Exception e) {
                // The client hung up: that is what the tests provoke.
            }
        }, "raw-http-server");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Accepts connections one after another, the n-th answered by the n-th responder (then closed); returns how many
     * were accepted.
     */
    private AtomicInteger serveEach(List<Responder> responders) throws IOException {
        server = new ServerSocket(0, responders.size(), InetAddress.getLoopbackAddress());
        AtomicInteger accepted = new AtomicInteger();
        Thread thread = new Thread(() -> {
            for (Responder responder : responders) {
                try (Socket socket = server.accept()) {
                    accepted.incrementAndGet();
                    readHead(socket.getInputStream());
                    responder.respond(socket.getOutputStream());
                    socket.getOutputStream().flush();
                } catch (Exception e) {
                    return;
                }
            }
        }, "raw-http-server");
        thread.setDaemon(true);
        thread.start();
        return accepted;
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = { '\r', '\n', '\r', '\n' };
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
