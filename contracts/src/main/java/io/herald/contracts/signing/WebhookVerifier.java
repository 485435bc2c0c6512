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
 * {@link #TOLERANCE} of now (replay protection), and at least one {@code v1} signature of the header matches one of the
 * secrets. Signatures of other versions are ignored; comparison is constant-time.
 */
public final class WebhookVerifier {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final List<WebhookSecret> secrets;
    private final Clock clock;

    public WebhookVerifier(List<WebhookSecret> secrets, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one secret is needed to verify");
        }
        this.secrets = List.copyOf(secrets);
        this.clock = clock;
    }

    /** A verifier for {@code whsec_} secrets, against the system clock. */
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
        for (WebhookSecret secret : secrets) {
            byte[] expected = WebhookSigner.hmac(secret, webhookId, seconds, body);
            for (String candidate : signatureHeader.trim().split(" +")) {
                if (matches(candidate, expected)) {
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

    private static boolean matches(String candidate, byte[] expected) {
        int comma = candidate.indexOf(',');
        if (comma < 0 || !WebhookSigner.V1.equals(candidate.substring(0, comma))) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(candidate.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }
}
