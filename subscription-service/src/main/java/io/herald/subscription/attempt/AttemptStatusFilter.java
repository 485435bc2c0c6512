package io.herald.subscription.attempt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.herald.contracts.messages.AttemptOutcome;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/**
 * The {@code status} filter of the attempt listings. Values (comma-separated and/or repeated, case-insensitive) are
 * either outcomes ({@code succeeded}, {@code retry_scheduled}, {@code exhausted}, {@code endpoint_disabled},
 * {@code dropped}) or HTTP statuses: a class ({@code 2xx} .. {@code 5xx}) or an exact code ({@code 503}). Values of one
 * kind widen the filter (any of them), the two kinds narrow it (both must match): {@code status=4xx,5xx} is every
 * attempt answered 4xx or 5xx, {@code status=retry_scheduled,503} those retried after a 503. An HTTP filter never
 * matches an attempt that got no response.
 *
 * @param outcomes the outcomes asked for; empty means any
 * @param httpStatuses inclusive ranges of HTTP statuses asked for; empty means any
 */
public record AttemptStatusFilter(List<AttemptOutcome> outcomes, List<HttpStatusRange> httpStatuses) {

    public static final AttemptStatusFilter ANY = new AttemptStatusFilter(List.of(), List.of());

    /** An inclusive range of HTTP status codes. */
    public record HttpStatusRange(int from, int to) {
    }

    public static AttemptStatusFilter parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return ANY;
        }
        List<AttemptOutcome> outcomes = new ArrayList<>();
        List<HttpStatusRange> http = new ArrayList<>();
        for (String value : values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(v -> !v.isEmpty()).toList()) {
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.matches("[1-5]xx")) {
                int hundred = (lower.charAt(0) - '0') * 100;
                http.add(new HttpStatusRange(hundred, hundred + 99));
            } else if (lower.matches("[1-5][0-9][0-9]")) {
                int code = Integer.parseInt(lower);
                http.add(new HttpStatusRange(code, code));
            } else {
                outcomes.add(outcome(value));
            }
        }
        return new AttemptStatusFilter(List.copyOf(outcomes), List.copyOf(http));
    }

    /** The API's name of an outcome: the enum constant in lower case. */
    public static String name(AttemptOutcome outcome) {
        return outcome == null ? null : outcome.name().toLowerCase(Locale.ROOT);
    }

    private static AttemptOutcome outcome(String value) {
        for (AttemptOutcome outcome : AttemptOutcome.values()) {
            if (outcome.name().equalsIgnoreCase(value)) {
                return outcome;
            }
        }
        String known = String.join(", ",
                Arrays.stream(AttemptOutcome.values()).map(AttemptStatusFilter::name).toList());
        throw ProblemException.invalid("Query parameter 'status' has an unknown value",
                List.of(new Problem.FieldError("status",
                        "'" + value + "' is neither an outcome (" + known + ") nor an HTTP status (2xx, 503, ...)")));
    }
}
