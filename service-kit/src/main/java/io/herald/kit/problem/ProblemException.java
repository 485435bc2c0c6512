package io.herald.kit.problem;

import java.time.Duration;
import java.util.List;

/** Ends a request with a problem+json response. Throw it from anywhere on the request path. */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final Duration retryAfter;

    public ProblemException(Problem problem, Duration retryAfter) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public ProblemException(int status, String type, String title, String detail) {
        this(new Problem(type, title, status, detail, null), null);
    }

    public Problem problem() {
        return problem;
    }

    /** How long the client should wait before retrying, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "urn:herald:problem:bad-request", "Bad request", detail);
    }

    public static ProblemException invalid(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(
                new Problem("urn:herald:problem:validation", "Validation failed", 400, detail, errors), null);
    }

    /**
     * 422: the request is well-formed but its content is refused, e.g. an event that breaks its type's JSON schema or a
     * filter that does not compile; {@code errors} names each failure.
     */
    public static ProblemException unprocessable(String type, String title, String detail,
            List<Problem.FieldError> errors) {
        return new ProblemException(new Problem(type, title, 422, detail, errors), null);
    }

    /** 422 naming each body field the API does not know (a typo or a newer API's field is never silently ignored). */
    public static ProblemException unknownFields(java.util.Collection<String> fields) {
        return unprocessable("urn:herald:problem:unknown-field", "Unknown field",
                "The body has " + fields.size() + " field(s) this API does not know", fields.stream().sorted()
                        .map(f -> new Problem.FieldError(f, "is not a field of this request")).toList());
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "urn:herald:problem:unauthorized", "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "urn:herald:problem:forbidden", "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "urn:herald:problem:not-found", "Not found", detail);
    }

    public static ProblemException unavailable(String detail, Duration retryAfter) {
        return new ProblemException(
                new Problem("urn:herald:problem:unavailable", "Service unavailable", 503, detail, null), retryAfter);
    }
}
