package io.herald.subscription.endpoint;

import io.herald.contracts.signing.WebhookSecret;

/**
 * How an endpoint's deliveries are signed (Standard Webhooks). The kind of the key itself tells dispatch which scheme
 * to use, so dispatch never needs this value.
 */
public enum SigningMode {

    /** HMAC-SHA256 with a shared {@code whsec_} secret; {@code v1,...} signatures. The default. */
    V1("v1"),
    /**
     * Ed25519: Herald keeps the {@code whsk_} private key, the subscriber verifies {@code v1a,...} signatures with the
     * {@code whpk_} public key.
     */
    V1A("v1a");

    /** What the API and the database say, as a regular expression for bean validation. */
    static final String VALUES = "v1|v1a";
    /** Bytes of a new HMAC secret (Standard Webhooks allows 24 to 64). */
    static final int SECRET_BYTES = 32;

    private final String value;

    SigningMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The mode called {@code value}; null (the default) is {@link #V1}. */
    public static SigningMode of(String value) {
        if (value == null) {
            return V1;
        }
        for (SigningMode mode : values()) {
            if (mode.value.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown signing mode");
    }

    /** A new signing key of this mode, as dispatch signs with it. */
    WebhookSecret newKey() {
        return this == V1 ? WebhookSecret.generate(SECRET_BYTES) : WebhookSecret.generateEd25519();
    }
}
