package io.herald.subscription.attempt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code GET /v1/endpoints/{id}/attempt-stats}, scope {@code endpoints:read}: hourly successes and failures of one
 * endpoint over the last hours (what the portal's chart draws), counted in PostgreSQL over the endpoint's index.
 */
@Path("/v1/endpoints/{id}/attempt-stats")
@Tag(name = "Attempts")
@Produces(MediaType.APPLICATION_JSON)
public class AttemptStatsResource {

    private static final int MAX_HOURS = 168;
    private static final String COUNTS = "select floor(extract(epoch from attempted_at - $2) / 3600)::int as bucket, "
            + "count(*) filter (where outcome = 'SUCCEEDED') as succeeded, "
            + "count(*) filter (where outcome is distinct from 'SUCCEEDED') as failed "
            + "from attempt where endpoint_id = $1 and attempted_at >= $2 and attempted_at < $3 group by 1";

    private final AttemptRepository attempts;
    private final Pool pool;
    private final CurrentCaller currentCaller;
    private final Clock clock;

    public AttemptStatsResource(AttemptRepository attempts, Pool pool, CurrentCaller currentCaller, Clock clock) {
        this.attempts = attempts;
        this.pool = pool;
        this.currentCaller = currentCaller;
        this.clock = clock;
    }

    /** The last {@code hours} whole hours up to the current one included; 404 for an endpoint of another tenant. */
    @GET
    @Operation(operationId = "getAttemptStats", summary = "Hourly successes and failures of one endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @APIResponse(responseCode = "200", description = "One bucket per hour, oldest first", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AttemptStats.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no endpoint of that id (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<AttemptStats> stats(@PathParam("id") String id,
            @Parameter(description = "How many hours, 1 to 168; default 24") @QueryParam("hours") String hours) {
        Caller caller = currentCaller.get();
        int count = hours(hours);
        Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(count));
        return attempts.endpointBelongsTo(caller.tenant(), id).chain(owned -> {
            if (!owned) {
                return Uni.createFrom().failure(ProblemException.notFound("No endpoint with id '" + id + "'"));
            }
            // Endpoint ids are unique across tenants and the row is the tenant's: no tenant condition (see list()).
            return pool.preparedQuery(COUNTS)
                    .execute(Tuple.of(id, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC))).map(rows -> {
                        long[] succeeded = new long[count];
                        long[] failed = new long[count];
                        for (Row row : rows) {
                            int bucket = row.getInteger("bucket");
                            succeeded[bucket] = row.getLong("succeeded");
                            failed[bucket] = row.getLong("failed");
                        }
                        List<AttemptStats.Bucket> buckets = new ArrayList<>(count);
                        for (int i = 0; i < count; i++) {
                            buckets.add(
                                    new AttemptStats.Bucket(from.plus(Duration.ofHours(i)), succeeded[i], failed[i]));
                        }
                        return new AttemptStats(id, from, to, buckets);
                    });
        });
    }

    private static int hours(String raw) {
        if (raw == null) {
            return 24;
        }
        try {
            int hours = Integer.parseInt(raw);
            if (hours >= 1 && hours <= MAX_HOURS) {
                return hours;
            }
        } catch (NumberFormatException e) {
            // Falls through to the 400 below.
        }
        throw ProblemException.invalid("Query parameter 'hours' is out of range",
                List.of(new FieldError("hours", "must be a whole number from 1 to " + MAX_HOURS)));
    }
}
