package io.herald.subscription.endpoint;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.herald.subscription.paging.Page;

/**
 * A page of endpoints in id order, shaped like every listing ({@link Page}).
 *
 * @param data the endpoints of this page
 * @param nextCursor opaque cursor of the next page (pass it as {@code ?cursor=}), or null on the last page; the
 *        {@code Link: <...>; rel="next"} header carries the same as a URL
 */
public record EndpointListResponse(List<EndpointResponse> data, String nextCursor) {

    /** The name this listing first gave {@code nextCursor}; answered too, so clients written against it still page. */
    @JsonProperty("next")
    @Schema(deprecated = true, description = "The same as nextCursor; use nextCursor")
    public String next() {
        return nextCursor;
    }
}
