package io.herald.subscription.paging;

import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The page a listing request asks for ({@code @BeanParam} of every listing): {@code ?cursor=} and {@code ?limit=}. */
public class PageRequest {

    @QueryParam("cursor")
    @Parameter(description = "nextCursor of the previous page; absent for the first page")
    String cursor;

    @QueryParam("limit")
    @Parameter(description = "Page size, from 1 to the listing's maximum (100 unless configured); absent: 50 unless "
            + "configured")
    Integer limit;

    /** The cursor as sent, null for the first page. */
    public String cursor() {
        return cursor;
    }

    /** The page size within {@code limits}; 400 when out of range. */
    public int limit(PageLimits limits) {
        return limits.limit(limit);
    }
}
