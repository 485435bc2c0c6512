package io.herald.subscription.attempt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/**
 * The position after the last item of a page in a newest-first listing ordered by (time, id): the delivery log and the
 * dead letters. Opaque to clients (base64url); they only hand back what a page answered as {@code nextCursor}.
 *
 * @param time the last item's time, in microseconds like PostgreSQL keeps it
 * @param id the last item's id, which breaks ties between equal times
 */
public record KeysetCursor(Instant time, String id) {

    private static final String VERSION = "1";

    public static KeysetCursor after(Instant time, String id) {
        return new KeysetCursor(time.truncatedTo(ChronoUnit.MICROS), id);
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, time);
        String plain = VERSION + ":" + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in {@code value}, null when absent; a 400 problem when it is not one this API handed out. */
    public static KeysetCursor decode(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 3);
            if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty()) {
                throw invalid();
            }
            return new KeysetCursor(Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS), parts[2]);
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return ProblemException.invalid("Query parameter 'cursor' is not a cursor this API returned",
                List.of(new Problem.FieldError("cursor", "pass the nextCursor of the previous page unchanged")));
    }
}
