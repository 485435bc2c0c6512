package io.herald.contracts.signing;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/** A Standard Webhooks signing secret: {@code whsec_} followed by the base64 of the key bytes. */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";
    public static final int MIN_BYTES = 24;
    public static final int MAX_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /**
     * Parses {@code whsec_<base64>}; like the reference libraries, a value without the prefix is taken as bare base64.
     *
     * @throws IllegalArgumentException when the value is not base64 (the message never repeats the secret)
     */
    public static WebhookSecret parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Webhook secret is empty");
        }
        String encoded = value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : value;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length == 0) {
                throw new IllegalArgumentException("Webhook secret is empty");
            }
            return new WebhookSecret(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Webhook secret is not whsec_ followed by base64");
        }
    }

    /** A new random secret of {@code bytes} bytes (24 to 64). */
    public static WebhookSecret generate(int bytes) {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("Secret length must be " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
        }
        byte[] key = new byte[bytes];
        RANDOM.nextBytes(key);
        return new WebhookSecret(key);
    }

    byte[] key() {
        return key.clone();
    }

    /** The {@code whsec_<base64>} form, to hand to the subscriber. */
    public String encoded() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "WebhookSecret[<redacted>]";
    }
}
