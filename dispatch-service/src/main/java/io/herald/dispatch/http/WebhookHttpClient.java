package io.herald.dispatch.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.herald.contracts.egress.EgressPolicy;
import io.herald.contracts.egress.EgressUrl;
import io.herald.contracts.egress.EgressVerdict;
import io.herald.dispatch.DispatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
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
 * POSTs webhooks with the Vert.x Web Client: a bounded connection pool per host, connect and idle timeouts, redirects
 * not followed, TLS hosts verified, and the response body read only up to a cap.
 * <p>
 * The Web Client's public API cannot end an exchange early: its {@code timeout} is an idle timeout (a server trickling
 * bytes never trips it), and a body codec that stops reading leaves the client draining the rest. Both need the
 * underlying {@code HttpClientRequest} to reset, which only an interceptor sees; it is registered through the internal
 * {@link WebClientInternal}, the one place this class reaches below the public API. The same interceptor records the
 * status line, so a response whose body passes the cap still reports its status.
 * <p>
 * SSRF guard: the URL's host is resolved here (names on a worker thread, since the JDK resolver blocks; numeric forms
 * and {@code localhost} without DNS), every address is checked with the {@link EgressPolicy}, and the request is pinned
 * to the first checked address with {@code requestAbs(method, serverAddress, url)}, so the client never resolves the
 * name again (no DNS rebinding between check and connect) while the {@code Host} header and TLS SNI/verification keep
 * the name. A refused host fails the result with {@link EgressRefusedException} before any connection is opened.
 */
@ApplicationScoped
public class WebhookHttpClient {

    private final io.vertx.core.Vertx vertx;
    private final WebClient client;
    private final DispatchConfig.Http config;
    private final EgressPolicy egress;
    private final EgressPolicy.NameResolver resolver;

    @Inject
    WebhookHttpClient(Vertx vertx, DispatchConfig config) {
        this(vertx, config, EgressPolicy.NameResolver.SYSTEM);
    }

    /** With another name resolver: lets tests give names addresses without DNS. */
    WebhookHttpClient(Vertx vertx, DispatchConfig config, EgressPolicy.NameResolver resolver) {
        this.vertx = vertx.getDelegate();
        this.config = config.http();
        this.egress = EgressPolicy.allowing(config.egress().allowCidrs().orElse(List.of()));
        this.resolver = resolver;
        WebClientOptions options = new WebClientOptions().setFollowRedirects(false)
                .setMaxPoolSize(this.config.maxConnectionsPerHost())
                .setMaxWaitQueueSize(this.config.maxWaitQueuePerHost())
                .setConnectTimeout(this.config.connectTimeoutMs()).setKeepAlive(true).setVerifyHost(true)
                .setTrustAll(false).setTryUseCompression(false).setUserAgentEnabled(true)
                .setUserAgent(this.config.userAgent()).setIdleTimeout(this.config.idleTimeoutMs())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        io.vertx.ext.web.client.WebClient core = io.vertx.ext.web.client.WebClient.create(this.vertx, options);
        ((WebClientInternal) core).addInterceptor(this::intercept);
        this.client = WebClient.newInstance(core);
    }

    /**
     * POSTs {@code body} to {@code url}. Fails only with {@link EgressRefusedException} when the egress policy refuses
     * the destination; anything else that stops a response (timeout, connection or DNS error, invalid URL) is described
     * in the result.
     */
    public Uni<WebhookResponse> post(String url, Map<String, String> headers, byte[] body) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            EgressUrl target = EgressUrl.parse(url);
            return checkedAddress(target).flatMap(address -> send(url, target, address, headers, body, start))
                    .onFailure(UnknownHostException.class)
                    .recoverWithItem(failure -> new WebhookResponse(null, null, describe(failure), millisSince(start)));
        }).onFailure(failure -> !(failure instanceof EgressRefusedException))
                .recoverWithItem(failure -> new WebhookResponse(null, null, describe(failure), 0));
    }

    /** The address to connect to, once every address of the host passed the policy. */
    private Uni<InetAddress> checkedAddress(EgressUrl target) {
        Uni<EgressVerdict> verdict;
        if (EgressPolicy.requiresLookup(target.host())) {
            verdict = Uni.createFrom().completionStage(() -> vertx
                    .executeBlocking(() -> egress.checkHost(target.host(), resolver), false).toCompletionStage());
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

    private Uni<WebhookResponse> send(String url, EgressUrl target, InetAddress address, Map<String, String> headers,
            byte[] body, long start) {
        // The address as a literal: an InetAddress from DNS carries its name, which the client would resolve again.
        SocketAddress server = SocketAddress.inetSocketAddress(target.port(), address.getHostAddress());
        ResponseCapture capture = new ResponseCapture(config.maxResponseBodyBytes());
        HttpRequest<Void> request = client.requestAbs(HttpMethod.POST, server, url)
                .connectTimeout(config.connectTimeoutMs()).idleTimeout(config.idleTimeoutMs())
                .as(BodyCodec.newInstance(capture));
        headers.forEach(request::putHeader);
        return request
                .sendBuffer(Buffer.buffer(body)).map(response -> new WebhookResponse(response.statusCode(),
                        capture.excerpt(), null, millisSince(start), capture.retryAfter()))
                .onFailure().recoverWithItem(failure -> failed(capture, failure, start));
    }

    @PreDestroy
    void close() {
        client.close();
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
                case SEND_REQUEST -> capture.sent(vertx, context.clientRequest(), config.requestTimeoutMs());
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
