package io.herald.subscription.attempt;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Successes and failures of one endpoint's attempts per hour, oldest hour first, every hour present (zero when quiet).
 *
 * @param from start of the first hour (inclusive)
 * @param to end of the last hour (exclusive)
 */
public record AttemptStats(String endpointId, Instant from, Instant to, List<Bucket> buckets) {

    /**
     * One hour.
     *
     * @param succeeded attempts answered 2xx
     * @param failed every other attempt (error statuses, timeouts, refusals, drops)
     */
    @Schema(name = "AttemptStatsBucket")
    public record Bucket(Instant start, long succeeded, long failed) {
    }
}
