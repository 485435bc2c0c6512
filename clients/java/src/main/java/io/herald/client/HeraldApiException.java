package io.herald.client;

import java.time.Duration;
import java.util.Optional;

/**
 * Herald answered with an error status; {@link #problem()} is its {@code application/problem+json} body. A subclass per
 * kind of error lets callers catch what they handle ({@link NotFound}, {@link Invalid}, ...), and {@link #retryAfter()}
 * carries the server's {@code Retry-After} where it gave one.
 */
public class HeraldApiException extends HeraldException {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;
    private final Duration retryAfter;

    HeraldApiException(String operation, Problem problem, Duration retryAfter) {
        super(operation + ": " + problem.status() + " "
                + (problem.detail() != null ? problem.detail() : problem.title() != null ? problem.title() : "")
                + fieldErrors(problem), null);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    /** The typed exception for an error answer. */
    static HeraldApiException of(String operation, Problem problem, Duration retryAfter) {
        return switch (problem.status()) {
            case 400, 422 -> new Invalid(operation, problem, retryAfter);
            case 401 -> new Unauthorized(operation, problem, retryAfter);
            case 403 -> new Forbidden(operation, problem, retryAfter);
            case 404 -> new NotFound(operation, problem, retryAfter);
            case 409 -> new Conflict(operation, problem, retryAfter);
            case 413 -> new TooLarge(operation, problem, retryAfter);
            case 429 -> new RateLimited(operation, problem, retryAfter);
            case 503 -> new Unavailable(operation, problem, retryAfter);
            default -> new HeraldApiException(operation, problem, retryAfter);
        };
    }

    private static String fieldErrors(Problem problem) {
        if (problem.errors().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        for (Problem.FieldError error : problem.errors()) {
            text.append(text.length() > 2 ? "; " : "").append(error.field()).append(": ").append(error.message());
        }
        return text.append(')').toString();
    }

    /** The HTTP status. */
    public int status() {
        return problem.status();
    }

    /** The problem document Herald answered with. */
    public Problem problem() {
        return problem;
    }

    /** The server's {@code Retry-After}, if it gave one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** 400 or 422: the request is invalid; {@link Problem#errors()} names each invalid field. */
    public static class Invalid extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        Invalid(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 401: no token, or one Herald does not accept. */
    public static class Unauthorized extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        Unauthorized(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 403: the token lacks the scope the operation needs. */
    public static class Forbidden extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        Forbidden(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 404: no such thing for this tenant. */
    public static class NotFound extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        NotFound(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 409: a request with the same Idempotency-Key is still in progress (retried automatically). */
    public static class Conflict extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        Conflict(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 413: the body is larger than Herald accepts. */
    public static class TooLarge extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        TooLarge(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 429: the tenant's rate limit is exhausted (retried automatically, honouring Retry-After). */
    public static class RateLimited extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        RateLimited(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }

    /** 503: Herald could not do it now (Kafka or the database unavailable; retried automatically). */
    public static class Unavailable extends HeraldApiException {
        private static final long serialVersionUID = 1L;

        Unavailable(String operation, Problem problem, Duration retryAfter) {
            super(operation, problem, retryAfter);
        }
    }
}
