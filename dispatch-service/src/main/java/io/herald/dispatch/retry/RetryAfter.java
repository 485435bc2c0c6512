package io.herald.dispatch.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * The wait the header asks for, clamped to [{@code min}, {@code max}]; empty when the header is absent or
     * unreadable. A date in the past asks for {@code min}.
     */
    public static Optional<Duration> parse(String header, Instant now, Duration min, Duration max) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        Duration wanted;
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                wanted = Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException | ArithmeticException e) {
                wanted = max;
            }
        } else {
            try {
                wanted = Duration.between(now,
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (wanted.compareTo(min) < 0) {
            return Optional.of(min);
        }
        return Optional.of(wanted.compareTo(max) > 0 ? max : wanted);
    }
}
