package io.herald.contracts;

/** The Standard Webhooks header names every delivery carries. */
public final class WebhookHeaders {

    /** Message id; the same on every retry so subscribers can deduplicate. */
    public static final String ID = "webhook-id";
    /** Unix seconds when this attempt was signed. */
    public static final String TIMESTAMP = "webhook-timestamp";
    /** Space-separated {@code v1,<base64>} signatures, one per live secret. */
    public static final String SIGNATURE = "webhook-signature";

    private WebhookHeaders() {
    }
}
