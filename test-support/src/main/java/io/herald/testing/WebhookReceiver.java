package io.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTP server on 127.0.0.1 standing in for a subscriber's endpoint. It records every request and answers as
 * told: any status with headers and body, hang until stopped, or drop the connection.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One request as it arrived; header names are lower-case; {@code clientCertificate} is the subject of the TLS
     * client certificate it came with, or null (plain HTTP, or none presented).
     */
    public record Received(String method, String path, Map<String, String> headers, String body, Instant at,
            String clientCertificate) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** How to answer a request. */
    public sealed interface Reply {

        static Reply status(int code) {
            return new Status(code, Map.of(), "");
        }

        static Reply status(int code, Map<String, String> headers, String body) {
            return new Status(code, headers, body);
        }

        static Reply hang() {
            return new Hang();
        }

        static Reply drop() {
            return new Drop();
        }
    }

    public record Status(int code, Map<String, String> headers, String body) implements Reply {
    }

    public record Hang() implements Reply {
    }

    public record Drop() implements Reply {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Received> received = new ArrayList<>();
    private volatile Function<Received, Reply> behaviour = r -> Reply.status(204);

    private final String scheme;

    private WebhookReceiver(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
    }

    /** Starts on 127.0.0.1 on a free port, answering 204 until told otherwise. */
    public static WebhookReceiver start() {
        try {
            return started(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128), "http");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the webhook receiver", e);
        }
    }

    /**
     * Starts an HTTPS receiver on 127.0.0.1 on a free port with the key and certificate of {@code tls}; with
     * {@code requireClientCertificate}, a client that presents no certificate {@code tls} trusts fails the handshake.
     */
    public static WebhookReceiver startTls(SSLContext tls, boolean requireClientCertificate) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(requireClientCertificate);
                    params.setSSLParameters(parameters);
                }
            });
            return started(server, "https");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the TLS webhook receiver", e);
        }
    }

    private static WebhookReceiver started(HttpServer server, String scheme) {
        WebhookReceiver receiver = new WebhookReceiver(server, scheme);
        server.createContext("/", receiver::handle);
        server.setExecutor(receiver.executor);
        server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:<port><path>} ({@code https} for a TLS receiver). */
    public String url(String path) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Decides the answer to each request from what arrived (e.g. fail twice, then succeed). */
    public void respond(Function<Received, Reply> behaviour) {
        this.behaviour = behaviour;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code count} requests arrived; fails the test on timeout. */
    public List<Received> await(int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (this) {
            while (received.size() < count) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    throw new AssertionError(
                            "Expected " + count + " webhook(s) within " + timeout + ", got " + received.size());
                }
                wait(left);
            }
            return List.copyOf(received);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Received request;
        try (InputStream in = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.copyOf(headers),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), Instant.now(), clientCertificate(exchange));
        }
        synchronized (this) {
            received.add(request);
            notifyAll();
        }
        Reply reply = behaviour.apply(request);
        if (reply instanceof Hang) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        } else if (reply instanceof Drop) {
            exchange.close();
        } else if (reply instanceof Status status) {
            byte[] body = status.body().getBytes(StandardCharsets.UTF_8);
            status.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(status.code(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String clientCertificate(HttpExchange exchange) {
        if (exchange instanceof HttpsExchange https) {
            try {
                return https.getSSLSession().getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
