package io.herald.subscription.attempt;

import java.util.List;

import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The filters of both attempt listings ({@code @BeanParam}): outcome or HTTP status, and a time range. */
public class AttemptFilters {

    @QueryParam("status")
    @Parameter(description = "Outcomes (succeeded, retry_scheduled, exhausted, endpoint_disabled, dropped) and/or HTTP "
            + "statuses (2xx, 503, ...), comma-separated or repeated. Values of one kind: any of them; both kinds: both "
            + "must match.")
    List<String> status;

    @QueryParam("from")
    @Parameter(description = "Inclusive lower bound of attemptedAt (ISO-8601)")
    String from;

    @QueryParam("to")
    @Parameter(description = "Exclusive upper bound of attemptedAt (ISO-8601)")
    String to;
}
