package io.herald.dispatch.http;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.herald.dispatch.DispatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.HttpRequestImpl;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
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
 */
@ApplicationScoped
public class WebhookHttpClient {

    private final io.vertx.core.Vertx vertx;
    private final WebClient client;
    private final DispatchConfig.Http config;

    WebhookHttpClient(Vertx vertx, DispatchConfig config) {
        this.vertx = vertx.getDelegate();
        this.config = config.http();
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

    /** POSTs {@code body} to {@code url}; never fails: a missing response is described in the result. */
    public Uni<WebhookResponse> post(String url, Map<String, String> headers, byte[] body) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            ResponseCapture capture = new ResponseCapture(config.maxResponseBodyBytes());
            HttpRequest<Void> request = client.postAbs(url).connectTimeout(config.connectTimeoutMs())
                    .idleTimeout(config.idleTimeoutMs()).as(BodyCodec.newInstance(capture));
            headers.forEach(request::putHeader);
            return request.sendBuffer(Buffer.buffer(body)).map(
                    response -> new WebhookResponse(response.statusCode(), capture.excerpt(), null, millisSince(start)))
                    .onFailure().recoverWithItem(failure -> failed(capture, failure, start));
        }).onFailure().recoverWithItem(failure -> new WebhookResponse(null, null, describe(failure), 0));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    private WebhookResponse failed(ResponseCapture capture, Throwable failure, long start) {
        long latency = millisSince(start);
        if (capture.truncated() && capture.statusCode() != null) {
            return new WebhookResponse(capture.statusCode(), capture.excerpt(), null, latency);
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
                case RECEIVE_RESPONSE -> capture.statusCode(context.clientResponse().statusCode());
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
