package io.herald.subscription.paging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/** Parsing of the query parameters the delivery-log and dead-letter listings share; bad values answer 400. */
public final class QueryParams {

    private QueryParams() {
    }

    /** An ISO-8601 instant ({@code 2026-01-31T12:00:00Z} or with an offset), or null when absent. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("Query parameter '" + name + "' is not an ISO-8601 date-time",
                        List.of(new Problem.FieldError(name,
                                "use a date-time with a zone, e.g. 2026-01-31T12:00:00Z (URL-encode '+' as %2B)")));
            }
        }
    }

    /** {@code true} or {@code false} (any case), null when absent; 400 otherwise. */
    public static Boolean bool(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.valueOf(value);
        }
        throw ProblemException.invalid("Query parameter '" + name + "' must be true or false",
                List.of(new Problem.FieldError(name, "must be true or false")));
    }

    /** 400 unless {@code from} is before {@code to} (either may be absent). */
    public static void requireOrdered(Instant from, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.invalid("The time range is empty",
                    List.of(new Problem.FieldError("from", "must be before 'to'")));
        }
    }
}
