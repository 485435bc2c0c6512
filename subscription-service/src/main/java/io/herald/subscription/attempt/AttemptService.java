package io.herald.subscription.attempt;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.kit.problem.ProblemException;
import io.herald.subscription.paging.KeysetCursor;
import io.herald.subscription.paging.Page;
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
        return attempts.list(query, Page.fetchSize(query.limit()))
                .map(rows -> Page.of(rows, query.limit(),
                        (AttemptResponse last) -> KeysetCursor.after(last.attemptedAt(), last.id()).encode()))
                .map(page -> new AttemptPage(page.data(), page.nextCursor()));
    }
}
