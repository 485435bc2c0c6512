package io.herald.subscription.attempt;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/** The delivery-log queries, scoped to the caller's tenant. */
@ApplicationScoped
public class AttemptService {

    private final AttemptRepository attempts;

    public AttemptService(AttemptRepository attempts) {
        this.attempts = attempts;
    }

    /**
     * One endpoint's attempts; 404 when the endpoint is not the tenant's (the same answer as when it does not exist).
     */
    public Uni<AttemptPage> forEndpoint(AttemptQuery query) {
        return attempts.endpointBelongsTo(query.tenant(), query.endpointId()).chain(owned -> {
            if (!owned) {
                return Uni.createFrom()
                        .failure(ProblemException.notFound("No endpoint with id '" + query.endpointId() + "'"));
            }
            return page(query);
        });
    }

    /**
     * One event's attempts to the tenant's endpoints. Events are not stored here, so an unknown event, another tenant's
     * event and an event without attempts all answer an empty page.
     */
    public Uni<AttemptPage> forEvent(AttemptQuery query) {
        return page(query);
    }

    private Uni<AttemptPage> page(AttemptQuery query) {
        // One row more than asked tells whether there is a next page without a count.
        return attempts.list(query, query.limit() + 1).map(rows -> {
            if (rows.size() <= query.limit()) {
                return new AttemptPage(rows, null);
            }
            List<AttemptResponse> data = rows.subList(0, query.limit());
            AttemptResponse last = data.get(data.size() - 1);
            return new AttemptPage(List.copyOf(data), KeysetCursor.after(last.attemptedAt(), last.id()).encode());
        });
    }
}
