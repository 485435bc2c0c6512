package io.herald.contracts.signing;

/** A webhook whose headers or signature do not verify. The message says which check failed. */
public class WebhookVerificationException extends Exception {

    public WebhookVerificationException(String message) {
        super(message);
    }
}
