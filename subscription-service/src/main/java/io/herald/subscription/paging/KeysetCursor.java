package io.herald.subscription.paging;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The position after the last item of a page in a newest-first listing ordered by (time, id): the delivery log and the
 * dead letters.
 *
 * @param time the last item's time, in microseconds like PostgreSQL keeps it
 * @param id the last item's id, which breaks ties between equal times
 */
public record KeysetCursor(Instant time, String id) {

    private static final String TAG = "1";

    public static KeysetCursor after(Instant time, String id) {
        return new KeysetCursor(time.truncatedTo(ChronoUnit.MICROS), id);
    }

    public String encode() {
        return Cursor.encode(TAG, Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, time)), id);
    }

    /** The cursor in {@code value}, null when absent; a 400 problem when it is not one this API handed out. */
    public static KeysetCursor decode(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String[] parts = Cursor.decode(value, TAG, 2);
        try {
            return new KeysetCursor(Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS), parts[1]);
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            throw Cursor.invalid();
        }
    }
}
