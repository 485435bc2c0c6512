package io.herald.subscription.endpoint;

import java.util.List;

/**
 * A page of endpoints in id order.
 *
 * @param data the endpoints of this page
 * @param next opaque cursor of the next page (pass it as {@code ?cursor=}), or null on the last page; the
 *        {@code Link: <...>; rel="next"} header carries the same as a URL
 */
public record EndpointListResponse(List<EndpointResponse> data, String next) {
}
