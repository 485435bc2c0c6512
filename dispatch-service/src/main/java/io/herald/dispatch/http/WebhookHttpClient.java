package io.herald.dispatch.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import io.herald.contracts.egress.EgressPolicy;
import io.herald.contracts.egress.EgressUrl;
import io.herald.contracts.egress.EgressVerdict;
import io.herald.contracts.tls.Pem;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.DispatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.HttpRequestImpl;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

/**
 * POSTs webhooks with the Vert.x Web Client: connections budgeted per endpoint within a cap per host, connect and idle
 * timeouts, a total deadline, redirects not followed, TLS hosts verified (against the JDK's authorities plus those of
 * {@code http.trust-pem-path}, if set), and the response body read only up to a cap. An endpoint that requires a TLS
 * client certificate gets a client presenting it ({@link ClientCertificate}), still its own.
 * <p>
 * Isolation: every endpoint gets its own Web Client, so its own connection pool and wait queue, sized to the endpoint's
 * concurrency cap ({@code limits.max-in-flight-per-endpoint}); an endpoint that hangs holds only its own connections,
 * and endpoints sharing a host never wait behind each other for one. Keep-alive connections are reused within an
 * endpoint. A client unused for {@code http.idle-client-eviction-ms} is closed. Across endpoints, requests in flight to
 * one host and port are capped ({@code http.max-connections-per-host}); a request past the cap is not queued but fails
 * at once with {@link HostBusyException}, so the caller can postpone it (no shared queue in which one endpoint could
 * hold back another).
 * <p>
 * The Web Client's public API cannot end an exchange early: its {@code timeout} is an idle timeout (a server trickling
 * bytes never trips it), and a body codec that stops reading leaves the client draining the rest. Both need the
 * underlying {@code HttpClientRequest} to reset, which only an interceptor sees; it is registered through the internal
 * {@link WebClientInternal}, the one place this class reaches below the public API. The same interceptor records the
 * status line, so a response whose body passes the cap still reports its status.
 * <p>
 * SSRF guard: the URL's host is resolved here (names on a worker thread, since the JDK resolver blocks, within the
 * request deadline; numeric forms and {@code localhost} without DNS), every address is checked with the
 * {@link EgressPolicy}, and the request is pinned to the first checked address with
 * {@code requestAbs(method, serverAddress, url)}, so the client never resolves the name again (no DNS rebinding between
 * check and connect) while the {@code Host} header and TLS SNI/verification keep the name. A refused host fails the
 * result with {@link EgressRefusedException} before any connection is opened.
 */
@ApplicationScoped
public class WebhookHttpClient {

    /** Bytes of a token endpoint's answer kept: a JSON access token response (JWTs included) fits easily. */
    static final int MAX_TOKEN_RESPONSE_BYTES = 16_384;

    private final io.vertx.core.Vertx vertx;
    private final DispatchConfig.Http config;
    private final WebClientOptions options;
    private final EgressPolicy egress;
    private final EgressPolicy.NameResolver resolver;
    private final Cache<String, WebClient> clients;
    private final Map<String, AtomicInteger> inFlightByHost = new ConcurrentHashMap<>();

    @Inject
    WebhookHttpClient(Vertx vertx, DispatchConfig config, DeliveryPolicyConfig policy) {
        this(vertx, config, policy.limits().maxInFlightPerEndpoint(), EgressPolicy.NameResolver.SYSTEM);
    }

    /** With another name resolver: lets tests give names addresses without DNS. */
    WebhookHttpClient(Vertx vertx, DispatchConfig config, int connectionsPerEndpoint,
            EgressPolicy.NameResolver resolver) {
        this.vertx = vertx.getDelegate();
        this.config = config.http();
        this.egress = EgressPolicy.allowing(config.egress().allowCidrs().orElse(List.of()));
        this.resolver = resolver;
        this.options = new WebClientOptions().setFollowRedirects(false).setMaxPoolSize(connectionsPerEndpoint)
                .setMaxWaitQueueSize(connectionsPerEndpoint).setConnectTimeout(this.config.connectTimeoutMs())
                .setKeepAlive(true).setVerifyHost(true).setTrustAll(false).setTryUseCompression(false)
                .setUserAgentEnabled(true).setUserAgent(this.config.userAgent())
                .setIdleTimeout(this.config.idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        // Vert.x's own tracing would put a traceparent on every webhook; only endpoints that opted in get one
        // (DispatchTracing), so the client never propagates.
        this.options.setTracingPolicy(TracingPolicy.IGNORE);
        if (this.config.trustPemPath().isPresent()) {
            this.options.setTrustOptions(TrustOptions.wrap(Pem.trustingAlso(read(this.config.trustPemPath().get()))));
        }
        this.clients = Caffeine.newBuilder()
                .expireAfterAccess(Duration
                        .ofMillis(Math.max(this.config.idleClientEvictionMs(), 2L * this.config.requestTimeoutMs())))
                .removalListener((String endpointId, WebClient client, RemovalCause cause) -> {
                    if (client != null) {
                        client.close();
                    }
                }).build();
    }

    private static String read(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(
                    "herald.dispatch.http.trust-pem-path: cannot read " + path + " (" + e.getMessage() + ")", e);
        }
    }

    /** A client with connections of its own, presenting {@code certificate} (null: none) when TLS asks for one. */
    private WebClient newClient(ClientCertificate certificate) {
        WebClientOptions own = options;
        if (certificate != null) {
            own = new WebClientOptions(options);
            own.setKeyCertOptions(certificate.keyCertOptions());
        }
        io.vertx.ext.web.client.WebClient core = io.vertx.ext.web.client.WebClient.create(vertx, own);
        ((WebClientInternal) core).addInterceptor(this::intercept);
        return WebClient.newInstance(core);
    }

    /**
     * POSTs {@code body} to {@code url} over {@code endpointId}'s own connections. Fails only with
     * {@link EgressRefusedException} when the egress policy refuses the destination and with {@link HostBusyException}
     * when the host's cap is reached; anything else that stops a response (timeout, connection or DNS error, invalid
     * URL) is described in the result.
     */
    public Uni<WebhookResponse> post(String endpointId, String url, Map<String, String> headers, byte[] body) {
        return post(endpointId, null, url, headers, body);
    }

    /**
     * As {@link #post(String, String, Map, byte[])}, presenting {@code certificate} (null: none) when the endpoint's
     * TLS server asks for a client certificate. An endpoint's client, and so its connection pool, is bound to its
     * certificate: a new certificate gets a new client (the old one is closed once idle).
     */
    public Uni<WebhookResponse> post(String endpointId, ClientCertificate certificate, String url,
            Map<String, String> headers, byte[] body) {
        String clientKey = certificate == null ? endpointId : endpointId + "#" + certificate.fingerprint();
        return exchange(clientKey, certificate, url, headers, body, config.maxResponseBodyBytes());
    }

    /**
     * POSTs to an OAuth 2.0 token endpoint on behalf of {@code endpointId}, over a client of its own (so a hanging
     * token server holds only that endpoint's connections), under the same egress policy, deadline and host cap as a
     * delivery; up to {@value #MAX_TOKEN_RESPONSE_BYTES} bytes of the answer are kept.
     */
    public Uni<WebhookResponse> postToTokenEndpoint(String endpointId, String url, Map<String, String> headers,
            byte[] body) {
        return exchange("oauth2#" + endpointId, null, url, headers, body, MAX_TOKEN_RESPONSE_BYTES);
    }

    private Uni<WebhookResponse> exchange(String clientKey, ClientCertificate certificate, String url,
            Map<String, String> headers, byte[] body, int maxResponseBytes) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            EgressUrl target = EgressUrl.parse(url);
            return checkedAddress(target, start).flatMap(address -> {
                // Before the host's count: a client certificate that cannot be read fails here, holding nothing.
                WebClient client = clients.get(clientKey, key -> newClient(certificate));
                String host = target.host() + ":" + target.port();
                AtomicInteger inFlight = inFlightByHost.computeIfAbsent(host, h -> new AtomicInteger());
                if (inFlight.incrementAndGet() > config.maxConnectionsPerHost()) {
                    leave(host, inFlight);
                    return Uni.createFrom().failure(new HostBusyException(host, config.maxConnectionsPerHost()));
                }
                return send(client, url, target, address, headers, body, start, maxResponseBytes)
                        .eventually(() -> leave(host, inFlight));
            }).onFailure(UnknownHostException.class)
                    .recoverWithItem(failure -> new WebhookResponse(null, null, describe(failure), millisSince(start)));
        }).onFailure(failure -> !(failure instanceof EgressRefusedException || failure instanceof HostBusyException))
                .recoverWithItem(failure -> new WebhookResponse(null, null, describe(failure), 0));
    }

    /** Requests in flight to {@code host} ({@code name:port}) across endpoints. */
    public int inFlight(String host) {
        AtomicInteger inFlight = inFlightByHost.get(host);
        return inFlight == null ? 0 : inFlight.get();
    }

    /** Endpoints with a client (and so a connection pool) of their own at the moment. */
    public long endpointClients() {
        clients.cleanUp();
        return clients.estimatedSize();
    }

    private void leave(String host, AtomicInteger inFlight) {
        if (inFlight.decrementAndGet() <= 0) {
            inFlightByHost.remove(host, inFlight);
        }
    }

    /** The address to connect to, once every address of the host passed the policy; DNS within the deadline. */
    private Uni<InetAddress> checkedAddress(EgressUrl target, long start) {
        Uni<EgressVerdict> verdict;
        if (EgressPolicy.requiresLookup(target.host())) {
            verdict = Uni.createFrom()
                    .completionStage(() -> vertx.executeBlocking(() -> egress.checkHost(target.host(), resolver), false)
                            .toCompletionStage())
                    .ifNoItem().after(Duration.ofMillis(config.requestTimeoutMs()))
                    .failWith(() -> new UnknownHostException(
                            "No DNS answer for " + target.host() + " within " + config.requestTimeoutMs() + " ms"));
        } else {
            verdict = Uni.createFrom().item(() -> {
                try {
                    return egress.checkHost(target.host(), resolver);
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            });
        }
        return verdict.map(checked -> {
            if (!checked.allowed()) {
                throw new EgressRefusedException(checked);
            }
            return checked.addresses().get(0);
        });
    }

    /**
     * One exchange; a connection closed before any answer is tried once more (see {@link #closedUnanswered}), within
     * the same deadline.
     */
    private Uni<WebhookResponse> send(WebClient client, String url, EgressUrl target, InetAddress address,
            Map<String, String> headers, byte[] body, long start, int maxResponseBytes) {
        return send(client, url, target, address, headers, body, start, maxResponseBytes, true);
    }

    private Uni<WebhookResponse> send(WebClient client, String url, EgressUrl target, InetAddress address,
            Map<String, String> headers, byte[] body, long start, int maxResponseBytes, boolean againIfClosed) {
        // The address as a literal: an InetAddress from DNS carries its name, which the client would resolve again.
        SocketAddress server = SocketAddress.inetSocketAddress(target.port(), address.getHostAddress());
        ResponseCapture capture = new ResponseCapture(maxResponseBytes);
        // What is left of the deadline after DNS: the whole exchange stays within request-timeout-ms.
        long left = Math.max(1, config.requestTimeoutMs() - millisSince(start));
        HttpRequest<Void> request = client.requestAbs(HttpMethod.POST, server, url)
                .connectTimeout(Math.min(config.connectTimeoutMs(), left)).idleTimeout(config.idleTimeoutMs())
                .as(BodyCodec.newInstance(capture.withDeadline(left)));
        headers.forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(body))
                .map(response -> new WebhookResponse(response.statusCode(), capture.excerpt(), null, millisSince(start),
                        capture.retryAfter()))
                .onFailure(failure -> againIfClosed && closedUnanswered(failure, capture)
                        && millisSince(start) < config.requestTimeoutMs())
                .recoverWithUni(() -> send(client, url, target, address, headers, body, start, maxResponseBytes, false))
                .onFailure().recoverWithItem(failure -> failed(capture, failure, start));
    }

    /**
     * Whether the connection was closed before any byte of an answer: the way a pooled keep-alive connection fails when
     * the receiver (or a proxy before it) closed it as idle just as the request went out. That says nothing about the
     * endpoint, so the request is made once more (as OkHttp does), on another connection, before anything is counted as
     * a failed attempt; the receiver sees the webhook twice at most, under its one webhook-id. Without this, a burst of
     * deliveries after a quiet spell could all meet closed connections and open the endpoint's circuit breaker.
     */
    private static boolean closedUnanswered(Throwable failure, ResponseCapture capture) {
        return failure instanceof HttpClosedException && capture.statusCode() == null && !capture.deadlineExceeded();
    }

    @PreDestroy
    void close() {
        clients.invalidateAll();
        clients.cleanUp();
    }

    private WebhookResponse failed(ResponseCapture capture, Throwable failure, long start) {
        long latency = millisSince(start);
        if (capture.truncated() && capture.statusCode() != null) {
            return new WebhookResponse(capture.statusCode(), capture.excerpt(), null, latency, capture.retryAfter());
        }
        if (capture.deadlineExceeded()) {
            return new WebhookResponse(capture.statusCode(), capture.excerpt(),
                    "No complete response within " + config.requestTimeoutMs() + " ms", latency);
        }
        return new WebhookResponse(capture.statusCode(), capture.excerpt(), describe(failure), latency);
    }

    private void intercept(HttpContext<?> context) {
        if (context.request() instanceof HttpRequestImpl<?> request
                && request.bodyCodec() instanceof ResponseCapture capture) {
            switch (context.phase()) {
                case SEND_REQUEST -> capture.sent(vertx, context.clientRequest());
                case RECEIVE_RESPONSE -> {
                    capture.statusCode(context.clientResponse().statusCode());
                    capture.retryAfter(context.clientResponse().getHeader("Retry-After"));
                }
                case DISPATCH_RESPONSE, FAILURE -> capture.finished(vertx);
                default -> {
                }
            }
        }
        context.next();
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
