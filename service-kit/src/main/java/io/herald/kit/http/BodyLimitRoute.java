package io.herald.kit.http;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.kit.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body announced larger than {@code quarkus.http.limits.max-body-size} with 413 problem+json. Quarkus
 * enforces the same limit itself, but with an empty body; this route runs just before its check so that producers get
 * the same error format as everywhere else. The body is never kept: what the client still sends is discarded and the
 * connection closed after the answer.
 */
@ApplicationScoped
public class BodyLimitRoute {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final long LINGER_MS = 2_000;
    private static final long LINGER_BODIES = 16;

    private final Optional<MemorySize> limit;

    public BodyLimitRoute(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit) {
        this.limit = limit;
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(context -> refuseIfTooLarge(context, max.asLongValue())));
    }

    private static void refuseIfTooLarge(RoutingContext context, long maxBytes) {
        String header = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long length;
        try {
            length = header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            // A malformed length is Vert.x' and Quarkus' business; only announced oversize is answered here.
            length = -1;
        }
        if (length <= maxBytes) {
            context.next();
            return;
        }
        Problem problem = new Problem("urn:herald:problem:payload-too-large", "Payload too large", 413,
                "The body has " + length + " bytes; the limit is " + maxBytes + " bytes", null);
        HttpServerRequest request = context.request();
        if (request.version() != HttpVersion.HTTP_2) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            lingerThenClose(context, request, maxBytes);
        }
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(json(problem));
    }

    /**
     * Closing at once while the client is still sending would make the kernel answer its bytes with a reset that can
     * destroy the 413 before the client reads it. So the rest of the body is read and thrown away, and the connection
     * closed when the client is done, after {@link #LINGER_MS} or once {@link #LINGER_BODIES} times the limit was
     * discarded, whichever comes first: nothing is buffered.
     */
    private static void lingerThenClose(RoutingContext context, HttpServerRequest request, long maxBytes) {
        long[] discarded = { 0 };
        long timer = context.vertx().setTimer(LINGER_MS, expired -> request.connection().close());
        Runnable close = () -> {
            context.vertx().cancelTimer(timer);
            request.connection().close();
        };
        request.handler(buffer -> {
            discarded[0] += buffer.length();
            if (discarded[0] > LINGER_BODIES * maxBytes) {
                close.run();
            }
        });
        request.endHandler(done -> close.run());
        request.exceptionHandler(failed -> close.run());
        request.resume();
    }

    private static String json(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a problem", e);
        }
    }
}
