package io.herald.subscription.portal;

import java.time.Instant;

/**
 * A portal link: open {@code url} in a browser until {@code expiresAt}. The token travels in the URL's fragment, which
 * browsers never send to a server (so it stays out of access logs and {@code Referer} headers).
 */
public record PortalSessionResponse(String url, Instant expiresAt) {
}
