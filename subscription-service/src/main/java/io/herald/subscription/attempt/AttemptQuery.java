package io.herald.subscription.attempt;

import java.time.Instant;

import io.herald.subscription.paging.KeysetCursor;
import io.herald.subscription.paging.PageRequest;
import io.herald.subscription.paging.QueryParams;

/**
 * What an attempt listing asks for: the tenant, exactly one of endpoint or event, the filters, and the page.
 *
 * @param from inclusive lower bound of {@code attemptedAt}, or null
 * @param to exclusive upper bound of {@code attemptedAt}, or null
 * @param after the cursor of the previous page, or null for the first page
 */
public record AttemptQuery(String tenant, String endpointId, String eventId, AttemptStatusFilter status, Instant from,
        Instant to, KeysetCursor after, int limit) {

    /** The query from the request's parameters; a 400 problem for any it cannot use. */
    static AttemptQuery parse(String tenant, String endpointId, String eventId, AttemptFilters filters,
            PageRequest page, AttemptConfig config) {
        Instant from = QueryParams.instant("from", filters.from);
        Instant to = QueryParams.instant("to", filters.to);
        QueryParams.requireOrdered(from, to);
        return new AttemptQuery(tenant, endpointId, eventId, AttemptStatusFilter.parse(filters.status), from, to,
                KeysetCursor.decode(page.cursor()), page.limit(config));
    }
}
