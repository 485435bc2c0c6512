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
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body announced larger than {@code quarkus.http.limits.max-body-size} with 413 problem+json. Quarkus
 * enforces the same limit itself, but with an empty body; this route runs just before its check so that producers get
 * the same error format as everywhere else. The body is never read: the connection is closed after the answer.
 */
@ApplicationScoped
public class BodyLimitRoute {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

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
        boolean http1 = context.request().version() != HttpVersion.HTTP_2;
        if (http1) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(json(problem))
                .onComplete(done -> {
                    if (http1) {
                        context.request().connection().close();
                    }
                });
    }

    private static String json(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a problem", e);
        }
    }
}
