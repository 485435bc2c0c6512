package io.herald.dispatch.http;

import io.herald.contracts.messages.ReceiverText;

/**
 * What one POST to an endpoint came to.
 *
 * @param statusCode the HTTP status, or null when no response came (timeout, connection error, invalid URL)
 * @param bodyExcerpt the start of the response body, at most the configured cap, or null
 * @param error why no response came, or null
 * @param latencyMs from sending until the response ended or the request failed, in milliseconds
 * @param retryAfter the response's {@code Retry-After} header, or null
 */
public record WebhookResponse(Integer statusCode, String bodyExcerpt, String error, long latencyMs, String retryAfter) {

    /** Every text from the receiver made safe to store and to put in JSON (see {@link ReceiverText}). */
    public WebhookResponse {
        bodyExcerpt = ReceiverText.sanitize(bodyExcerpt);
        error = ReceiverText.sanitize(error);
        retryAfter = ReceiverText.sanitize(retryAfter);
    }

    public WebhookResponse(Integer statusCode, String bodyExcerpt, String error, long latencyMs) {
        this(statusCode, bodyExcerpt, error, latencyMs, null);
    }

    /** A 2xx that arrived in full (a body cut off at the cap counts; one cut off by the deadline does not). */
    public boolean isSuccess() {
        return error == null && statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
