package io.herald.client;

import java.time.Instant;
import java.util.List;

/**
 * Which delivery attempts to list, newest first.
 *
 * @param status outcomes ({@code succeeded}, {@code retry_scheduled}, {@code exhausted}, ...) and/or HTTP statuses
 *        ({@code 2xx}, {@code 503}); empty for all
 * @param from inclusive lower bound of the attempt time, or null
 * @param to exclusive upper bound of the attempt time, or null
 * @param cursor the previous page's {@code nextCursor}, or null for the first page
 * @param limit the page size, or null for the server's default
 */
public record AttemptQuery(List<String> status, Instant from, Instant to, String cursor, Integer limit) {

    public AttemptQuery {
        status = status == null ? List.of() : List.copyOf(status);
    }

    /** The newest attempts, a page of the server's default size. */
    public static AttemptQuery latest() {
        return new AttemptQuery(List.of(), null, null, null, null);
    }

    public AttemptQuery withStatus(String... statuses) {
        return new AttemptQuery(List.of(statuses), from, to, cursor, limit);
    }

    public AttemptQuery since(Instant inclusive) {
        return new AttemptQuery(status, inclusive, to, cursor, limit);
    }

    public AttemptQuery until(Instant exclusive) {
        return new AttemptQuery(status, from, exclusive, cursor, limit);
    }

    public AttemptQuery after(String nextCursor) {
        return new AttemptQuery(status, from, to, nextCursor, limit);
    }

    public AttemptQuery limit(int size) {
        return new AttemptQuery(status, from, to, cursor, size);
    }
}
