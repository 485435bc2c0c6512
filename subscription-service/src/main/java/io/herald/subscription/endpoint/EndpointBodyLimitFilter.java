package io.herald.subscription.endpoint;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.herald.kit.problem.ProblemException;
import io.herald.kit.problem.ProblemExceptionMapper;

/**
 * Refuses endpoint bodies larger than {@value #MAX_BODY_BYTES} bytes with 413 problem+json before they are read (the
 * largest valid body is far smaller). Quarkus' own limit ({@code quarkus.http.limits.max-body-size}) still caps bodies
 * without a length, but answers without problem details.
 */
public class EndpointBodyLimitFilter {

    static final long MAX_BODY_BYTES = 64 * 1024;

    @ServerRequestFilter(preMatching = true)
    public Response limitBody(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/endpoints")) {
            return null;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return ProblemExceptionMapper.toResponse(ProblemException.badRequest("Content-Length is not a number"));
        }
        if (bytes > MAX_BODY_BYTES) {
            return ProblemExceptionMapper.toResponse(new ProblemException(413, "urn:herald:problem:body-too-large",
                    "Content too large", "An endpoint body is at most " + MAX_BODY_BYTES + " bytes"));
        }
        return null;
    }
}
