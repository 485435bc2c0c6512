package io.herald.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.signing.WebhookVerificationException;
import io.herald.contracts.signing.WebhookVerifier;

/**
 * The local launcher's stand-in subscriber on 127.0.0.1: answers every POST with 204 and prints it (headers and body).
 * It checks the signature the way a subscriber would, with the secrets of the demo tenant's endpoints pointing at this
 * receiver, fetched from subscription-service with the demo token.
 */
final class DemoReceiver implements AutoCloseable {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final PrintStream out;
    private final String subscriptionUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DemoReceiver(HttpServer server, PrintStream out, String subscriptionUrl, String token) {
        this.server = server;
        this.out = out;
        this.subscriptionUrl = subscriptionUrl;
        this.token = token;
    }

    /** Starts listening on 127.0.0.1:{@code port}; secrets are looked up at {@code subscriptionUrl}. */
    static DemoReceiver start(int port, PrintStream out, String subscriptionUrl, String token) {
        Processes.requireFree(port, "demo receiver");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            DemoReceiver receiver = new DemoReceiver(server, out, subscriptionUrl, token);
            server.createContext("/", receiver::handle);
            server.setExecutor(receiver.executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the demo receiver on 127.0.0.1:" + port, e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        // Answer first: the dispatcher's clock is running; printing and the secret lookup come after.
        exchange.sendResponseHeaders(204, -1);
        exchange.close();

        String verdict = method.equals("POST") && headers.containsKey(WebhookHeaders.SIGNATURE)
                ? verify(path, body, headers)
                : "not a signed webhook";
        StringBuilder text = new StringBuilder();
        text.append("\n[receiver ").append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS)).append("] ").append(method)
                .append(' ').append(path).append(" -> 204 (").append(verdict).append(")\n");
        headers.forEach((k, v) -> {
            if (k.startsWith("webhook-") || k.equals("content-type") || k.equals("user-agent")) {
                text.append("    ").append(k).append(": ").append(v).append('\n');
            }
        });
        text.append("    ").append(pretty(body).replace("\n", "\n    ")).append('\n');
        synchronized (out) {
            out.print(text);
            out.flush();
        }
    }

    /** Tries the secret of every demo endpoint that targets this receiver at {@code path}. */
    private String verify(String path, String body, Map<String, String> headers) {
        try {
            List<String> secrets = secretsFor(path);
            if (secrets.isEmpty()) {
                return "signature not checked: no endpoint of tenant demo points here";
            }
            WebhookVerifier.of(secrets.toArray(String[]::new)).verify(body, headers);
            return "signature valid";
        } catch (WebhookVerificationException e) {
            return "SIGNATURE INVALID: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return "signature not checked: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "signature not checked";
        }
    }

    private List<String> secretsFor(String path) throws IOException, InterruptedException {
        List<String> secrets = new ArrayList<>();
        JsonNode page = get("/v1/endpoints?limit=100");
        for (JsonNode endpoint : page.path("data")) {
            URI target = URI.create(endpoint.path("url").asText());
            if (LOOPBACK_HOSTS.contains(target.getHost()) && target.getPort() == server.getAddress().getPort() && path
                    .equals(target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())) {
                String secret = get("/v1/endpoints/" + endpoint.path("id").asText() + "/secret").path("secret")
                        .asText();
                if (!secret.isEmpty()) {
                    secrets.add(secret);
                }
            }
        }
        return secrets;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(subscriptionUrl + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + answer.statusCode());
        }
        return Json.mapper().readTree(answer.body());
    }

    private static String pretty(String body) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Json.mapper().readTree(body));
        } catch (IOException | RuntimeException e) {
            return body;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
