package io.herald.subscription.paging;

import java.util.List;
import java.util.function.Function;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

/**
 * The shape of every listing: the items of one page and the cursor of the next, null on the last page. Listings fetch
 * one row more than the page ({@link #fetchSize}) to tell whether a next page exists without a count.
 *
 * @param data the items of this page
 * @param nextCursor pass it as {@code cursor} to get the next page; null on the last page
 */
public record Page<T>(List<T> data, String nextCursor) {

    /** How many rows to fetch for a page of {@code limit}. */
    public static int fetchSize(int limit) {
        return limit + 1;
    }

    /**
     * The page among {@code rows} fetched with {@link #fetchSize}: the first {@code limit} rows, and when there were
     * more, the cursor after the last of them.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorAfter) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> data = List.copyOf(rows.subList(0, limit));
        return new Page<>(data, cursorAfter.apply(data.get(limit - 1)));
    }

    public <U> List<U> data(Function<T, U> view) {
        return data.stream().map(view).toList();
    }

    /**
     * A 200 answer with {@code body}, and a {@code Link: <...>; rel="next"} header to the next page if there is one.
     */
    public Response linked(Object body, String path, int limit) {
        Response.ResponseBuilder response = Response.ok(body);
        if (nextCursor != null) {
            response.link(UriBuilder.fromPath(path).queryParam("limit", limit).queryParam("cursor", nextCursor).build(),
                    "next");
        }
        return response.build();
    }
}
