package io.herald.kit.problem;

import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** The one place errors become RFC 9457 problem details, for every service that includes the kit. */
public class ProblemExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

    public static Response toResponse(ProblemException e) {
        Response.ResponseBuilder response = Response.status(e.problem().status()).type(Problem.MEDIA_TYPE)
                .entity(e.problem());
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e);
    }

    /** A bearer token that failed verification (io.herald.kit.auth.BearerIdentityProvider logs why). */
    @ServerExceptionMapper
    public Response invalidToken(AuthenticationFailedException e) {
        return toResponse(ProblemException.unauthorized("Invalid bearer token"));
    }

    /** A secured operation called anonymously: a {@code /v1} request without a bearer token. */
    @ServerExceptionMapper
    public Response missingToken(UnauthorizedException e) {
        return toResponse(ProblemException.unauthorized("Missing bearer token"));
    }

    /** A token without the scope {@code @RolesAllowed} names, or without any of the scopes it names. */
    @ServerExceptionMapper
    public Response missingScope(ForbiddenException e, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        RolesAllowed allowed = method == null ? null : method.getAnnotation(RolesAllowed.class);
        if (allowed == null && resource.getResourceClass() != null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        if (allowed == null) {
            return toResponse(ProblemException.forbidden("The token may not call this operation"));
        }
        String[] scopes = allowed.value();
        return toResponse(
                ProblemException.forbidden(scopes.length == 1 ? "The token lacks the scope '" + scopes[0] + "'"
                        : "The token lacks one of the scopes " + String.join(", ", scopes)));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> new Problem.FieldError(field(v), v.getMessage())).toList();
        return toResponse(ProblemException.invalid("The request has " + errors.size() + " invalid field(s)", errors));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String detail;
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            MismatchedInputException mismatch = (MismatchedInputException) e;
            String path = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            detail = "Field '" + path + "' has the wrong type or shape";
        } else {
            detail = "The body is not valid JSON: " + e.getOriginalMessage();
        }
        return toResponse(ProblemException.badRequest(detail));
    }

    /**
     * Quarkus REST ships its own mapper for this subtype (plain JSON, no detail outside dev mode), and the mapper of
     * the most specific type wins: claim it here so wrong types answer problem+json naming the field.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        // A problem raised where the runtime wraps what is thrown (a parameter converter): answer the problem itself.
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ProblemException problem) {
                return toResponse(problem);
            }
        }
        Response original = e.getResponse();
        Response.StatusType status = original.getStatusInfo();
        Response.ResponseBuilder response = Response.status(status.getStatusCode()).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                        e.getMessage() != null ? e.getMessage() : status.getReasonPhrase(), null));
        original.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                values.forEach(v -> response.header(name, v));
            }
        });
        return response.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("Unhandled error", e);
        return toResponse(new ProblemException(500, "about:blank", "Internal Server Error",
                "The server failed to handle the request; it has been logged"));
    }

    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Drop the method and parameter names of a validated resource method: "create.request.url" -> "url".
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", List.of(parts).subList(2, parts.length)) : path;
    }
}
