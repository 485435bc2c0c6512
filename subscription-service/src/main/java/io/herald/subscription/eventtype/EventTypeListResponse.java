package io.herald.subscription.eventtype;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.herald.subscription.paging.Page;

/**
 * One page of event types in name order, shaped like every listing ({@link Page}); {@code nextCursor} is the cursor of
 * the following page, null on the last.
 */
public record EventTypeListResponse(List<EventTypeResponse> data, String nextCursor) {

    /** The name this listing first gave {@code nextCursor}; answered too, so clients written against it still page. */
    @JsonProperty("next")
    @Schema(deprecated = true, description = "The same as nextCursor; use nextCursor")
    public String next() {
        return nextCursor;
    }
}
