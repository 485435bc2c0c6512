package io.herald.contracts.signing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Standard Webhooks signing key, told apart by its prefix as the spec intends:
 * <ul>
 * <li>{@code whsec_<base64>}: a symmetric HMAC-SHA256 secret (24 to 64 random bytes), signing and verifying {@code v1};
 * <li>{@code whsk_<base64>}: an Ed25519 private key, signing {@code v1a}; the base64 holds 64 bytes, the 32-byte seed
 * followed by the 32-byte public key (the libsodium / ed25519-compact layout that Svix's server writes);
 * <li>{@code whpk_<base64>}: the 32-byte Ed25519 public key, verifying {@code v1a} only; this is what a subscriber of
 * an asymmetric endpoint gets.
 * </ul>
 * The base64 is standard with padding. Messages and {@link #toString()} never repeat a private key.
 */
public final class WebhookSecret {

    /** What a key is and so which signatures it makes or checks. */
    public enum Kind {
        /** {@code whsec_}: signs and verifies {@code v1}. */
        HMAC,
        /** {@code whsk_}: signs {@code v1a}; a verifier uses its public half. */
        ED25519_PRIVATE,
        /** {@code whpk_}: verifies {@code v1a}; cannot sign. */
        ED25519_PUBLIC
    }

    public static final String PREFIX = "whsec_";
    public static final String ED25519_PRIVATE_PREFIX = "whsk_";
    public static final String ED25519_PUBLIC_PREFIX = "whpk_";
    public static final int MIN_BYTES = 24;
    public static final int MAX_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PROBE = "herald key pair check".getBytes(StandardCharsets.UTF_8);

    private final Kind kind;
    /** HMAC: the key; private: seed | public key; public: the public key. */
    private final byte[] key;

    private WebhookSecret(Kind kind, byte[] key) {
        this.kind = kind;
        this.key = key;
    }

    /**
     * Parses {@code whsec_<base64>}, {@code whsk_<base64>} or {@code whpk_<base64>}; like the reference libraries, a
     * value without a prefix is taken as a bare base64 HMAC secret.
     *
     * @throws IllegalArgumentException when the value is not base64 or an Ed25519 key has the wrong length (the message
     *         never repeats the secret)
     */
    public static WebhookSecret parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Webhook secret is empty");
        }
        if (value.startsWith(ED25519_PRIVATE_PREFIX)) {
            return new WebhookSecret(Kind.ED25519_PRIVATE, decode(value.substring(ED25519_PRIVATE_PREFIX.length()),
                    2 * Ed25519.KEY_BYTES, "whsk_ followed by the base64 of a 64-byte Ed25519 seed and public key"));
        }
        if (value.startsWith(ED25519_PUBLIC_PREFIX)) {
            return new WebhookSecret(Kind.ED25519_PUBLIC, decode(value.substring(ED25519_PUBLIC_PREFIX.length()),
                    Ed25519.KEY_BYTES, "whpk_ followed by the base64 of a 32-byte Ed25519 public key"));
        }
        String encoded = value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : value;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length == 0) {
                throw new IllegalArgumentException("Webhook secret is empty");
            }
            return new WebhookSecret(Kind.HMAC, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Webhook secret is not whsec_ followed by base64");
        }
    }

    /** A new random HMAC secret ({@code whsec_}) of {@code bytes} bytes (24 to 64). */
    public static WebhookSecret generate(int bytes) {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("Secret length must be " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
        }
        byte[] key = new byte[bytes];
        RANDOM.nextBytes(key);
        return new WebhookSecret(Kind.HMAC, key);
    }

    /** A new Ed25519 private key ({@code whsk_}); hand its {@link #verificationKey()} to the subscriber. */
    public static WebhookSecret generateEd25519() {
        byte[][] pair = Ed25519.generate();
        byte[] key = Arrays.copyOf(pair[0], 2 * Ed25519.KEY_BYTES);
        System.arraycopy(pair[1], 0, key, Ed25519.KEY_BYTES, Ed25519.KEY_BYTES);
        return new WebhookSecret(Kind.ED25519_PRIVATE, key);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether this key can make signatures ({@code whpk_} public keys only check them). */
    public boolean canSign() {
        return kind != Kind.ED25519_PUBLIC;
    }

    /** The signature version this key makes or checks: {@code v1} (HMAC) or {@code v1a} (Ed25519). */
    public String signatureVersion() {
        return kind == Kind.HMAC ? WebhookSigner.V1 : WebhookSigner.V1A;
    }

    /**
     * What the subscriber verifies with: an HMAC secret itself, the {@code whpk_} public key of a {@code whsk_} private
     * key, or a public key itself.
     *
     * @throws IllegalArgumentException when a {@code whsk_} value's public half does not belong to its seed
     */
    public WebhookSecret verificationKey() {
        if (kind != Kind.ED25519_PRIVATE) {
            return this;
        }
        byte[] publicKey = publicKey();
        if (!Ed25519.verify(publicKey, PROBE, Ed25519.sign(seed(), PROBE))) {
            throw new IllegalArgumentException("The whsk_ key's public half does not match its seed");
        }
        return new WebhookSecret(Kind.ED25519_PUBLIC, publicKey);
    }

    /** The HMAC key. */
    byte[] key() {
        return key.clone();
    }

    /** The Ed25519 seed of a private key. */
    byte[] seed() {
        return Arrays.copyOf(key, Ed25519.KEY_BYTES);
    }

    /** The 32-byte Ed25519 public key of a private or public key. */
    byte[] publicKey() {
        return kind == Kind.ED25519_PRIVATE ? Arrays.copyOfRange(key, Ed25519.KEY_BYTES, key.length) : key.clone();
    }

    /** The prefixed form: {@code whsec_...}, {@code whsk_...} or {@code whpk_...}. */
    public String encoded() {
        String prefix = switch (kind) {
            case HMAC -> PREFIX;
            case ED25519_PRIVATE -> ED25519_PRIVATE_PREFIX;
            case ED25519_PUBLIC -> ED25519_PUBLIC_PREFIX;
        };
        return prefix + Base64.getEncoder().encodeToString(key);
    }

    private static byte[] decode(String encoded, int length, String expected) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Webhook key is not " + expected);
        }
        if (key.length != length) {
            throw new IllegalArgumentException("Webhook key is not " + expected);
        }
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && kind == other.kind && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return kind == Kind.ED25519_PUBLIC ? "WebhookSecret[" + encoded() + "]"
                : "WebhookSecret[" + kind + ", <redacted>]";
    }
}
