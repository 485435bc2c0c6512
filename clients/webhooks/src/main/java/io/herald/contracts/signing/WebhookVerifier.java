package io.herald.contracts.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.herald.contracts.WebhookHeaders;

/**
 * Verifies a received webhook the way a subscriber should: the three headers are present, the timestamp is within
 * {@link #TOLERANCE} of now (replay protection), and at least one signature of the header matches one of the trusted
 * keys in that key's own scheme: a {@code v1} signature against a {@code whsec_} secret (constant-time comparison), a
 * {@code v1a} signature against a {@code whpk_} Ed25519 public key (or the public half of a {@code whsk_} key).
 * Signatures of other versions are ignored, and a key never vouches for a signature of the other scheme.
 */
public final class WebhookVerifier {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final List<WebhookSecret> secrets;
    private final Clock clock;

    public WebhookVerifier(List<WebhookSecret> secrets, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one secret is needed to verify");
        }
        // A private key is trusted through its public half only, checked once here.
        this.secrets = secrets.stream().map(WebhookSecret::verificationKey).toList();
        this.clock = clock;
    }

    /** A verifier for {@code whsec_} secrets and {@code whpk_} public keys, against the system clock. */
    public static WebhookVerifier of(String... secrets) {
        return new WebhookVerifier(List.of(secrets).stream().map(WebhookSecret::parse).toList(), Clock.systemUTC());
    }

    /** Verifies using the headers as received; header names are matched case-insensitively. */
    public void verify(String body, Map<String, String> headers) throws WebhookVerificationException {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        verify(body.getBytes(StandardCharsets.UTF_8), byName.get(WebhookHeaders.ID),
                byName.get(WebhookHeaders.TIMESTAMP), byName.get(WebhookHeaders.SIGNATURE));
    }

    public void verify(byte[] body, String webhookId, String timestamp, String signatureHeader)
            throws WebhookVerificationException {
        if (webhookId == null || webhookId.isEmpty()) {
            throw new WebhookVerificationException("Missing " + WebhookHeaders.ID + " header");
        }
        if (timestamp == null || timestamp.isEmpty()) {
            throw new WebhookVerificationException("Missing " + WebhookHeaders.TIMESTAMP + " header");
        }
        if (signatureHeader == null || signatureHeader.isEmpty()) {
            throw new WebhookVerificationException("Missing " + WebhookHeaders.SIGNATURE + " header");
        }
        long seconds = parseTimestamp(timestamp);
        long now = clock.instant().getEpochSecond();
        if (seconds < now - TOLERANCE.toSeconds()) {
            throw new WebhookVerificationException("Message timestamp too old");
        }
        if (seconds > now + TOLERANCE.toSeconds()) {
            throw new WebhookVerificationException("Message timestamp too new");
        }
        String[] candidates = signatureHeader.trim().split(" +");
        byte[] content = WebhookSigner.content(webhookId, seconds, body);
        for (WebhookSecret secret : secrets) {
            byte[] expected = secret.kind() == WebhookSecret.Kind.HMAC
                    ? WebhookSigner.hmac(secret, webhookId, seconds, body)
                    : null;
            for (String candidate : candidates) {
                byte[] given = signature(candidate, secret.signatureVersion());
                if (given != null && (expected != null ? MessageDigest.isEqual(given, expected)
                        : Ed25519.verify(secret.publicKey(), content, given))) {
                    return;
                }
            }
        }
        throw new WebhookVerificationException("No matching signature found");
    }

    private static long parseTimestamp(String timestamp) throws WebhookVerificationException {
        try {
            return Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("Invalid " + WebhookHeaders.TIMESTAMP + " header");
        }
    }

    /** The decoded signature of a {@code <version>,<base64>} candidate of the wanted version, else null. */
    private static byte[] signature(String candidate, String version) {
        int comma = candidate.indexOf(',');
        if (comma < 0 || !version.equals(candidate.substring(0, comma))) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(candidate.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
