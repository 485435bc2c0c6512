package io.herald.subscription.paging;

import java.util.List;

import jakarta.validation.constraints.Min;

import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.smallrye.config.WithDefault;

/** The page sizes of a listing; each listing's configuration group extends it, so its keys keep their prefix. */
public interface PageLimits {

    /** Page size when the request gives no {@code limit}. */
    @WithDefault("50")
    @Min(1)
    int defaultLimit();

    /** Largest {@code limit} a request may ask for. */
    @WithDefault("100")
    @Min(1)
    int maxLimit();

    /** The page size for a request's {@code limit}: the default when absent, 400 when not in 1..{@link #maxLimit}. */
    default int limit(Integer requested) {
        int size = requested == null ? defaultLimit() : requested;
        if (size < 1 || size > maxLimit()) {
            throw ProblemException.invalid("Query parameter 'limit' is out of range",
                    List.of(new Problem.FieldError("limit", "must be a whole number between 1 and " + maxLimit())));
        }
        return size;
    }
}
