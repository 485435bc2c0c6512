package io.herald.subscription.attempt;

import java.time.Instant;
import java.util.List;

import io.herald.subscription.paging.KeysetCursor;
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

    /** Documentation of the {@code status} query parameter, shared by both listings. */
    static final String STATUS_DOC = "Outcomes (succeeded, retry_scheduled, exhausted, endpoint_disabled, dropped) "
            + "and/or HTTP statuses (2xx, 503, ...), comma-separated or repeated. Values of one kind: any of them; "
            + "both kinds: both must match.";

    /** The query from the request's raw parameters; a 400 problem for any it cannot use. */
    static AttemptQuery parse(String tenant, String endpointId, String eventId, List<String> status, String from,
            String to, String cursor, Integer limit, AttemptConfig config) {
        Instant fromTime = QueryParams.instant("from", from);
        Instant toTime = QueryParams.instant("to", to);
        QueryParams.requireOrdered(fromTime, toTime);
        return new AttemptQuery(tenant, endpointId, eventId, AttemptStatusFilter.parse(status), fromTime, toTime,
                KeysetCursor.decode(cursor), config.limit(limit));
    }
}
