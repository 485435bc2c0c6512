package io.herald.contracts.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks per Standard Webhooks. The key's prefix picks the scheme: a {@code whsec_} secret makes
 * {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}, a {@code whsk_} Ed25519 private key makes
 * {@code v1a,<base64 Ed25519 signature of "<id>.<timestamp>.<body>">} (64 bytes). With several live keys (a rotation or
 * a change of signing mode in progress) the header carries one signature per key, space-separated.
 */
public final class WebhookSigner {

    public static final String V1 = "v1";
    public static final String V1A = "v1a";
    private static final String HMAC = "HmacSHA256";

    private WebhookSigner() {
    }

    /**
     * One {@code v1,...} or {@code v1a,...} signature, by the kind of {@code secret}.
     *
     * @throws IllegalArgumentException for a {@code whpk_} public key, which cannot sign
     */
    public static String sign(WebhookSecret secret, String webhookId, long timestampSeconds, byte[] body) {
        return switch (secret.kind()) {
            case HMAC -> V1 + "," + Base64.getEncoder().encodeToString(hmac(secret, webhookId, timestampSeconds, body));
            case ED25519_PRIVATE -> V1A + "," + Base64.getEncoder()
                    .encodeToString(Ed25519.sign(secret.seed(), content(webhookId, timestampSeconds, body)));
            case ED25519_PUBLIC -> throw new IllegalArgumentException(
                    "A whpk_ public key cannot sign: sign with the endpoint's whsk_ private key");
        };
    }

    public static String sign(WebhookSecret secret, String webhookId, long timestampSeconds, String body) {
        return sign(secret, webhookId, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code webhook-signature} header value: one signature per secret, space-separated. */
    public static String signatureHeader(List<WebhookSecret> secrets, String webhookId, long timestampSeconds,
            byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one secret is needed to sign");
        }
        return secrets.stream().map(s -> sign(s, webhookId, timestampSeconds, body)).collect(Collectors.joining(" "));
    }

    /** The signed content: {@code <id>.<timestamp>.<body>}, the body as its exact bytes. */
    static byte[] content(String webhookId, long timestampSeconds, byte[] body) {
        byte[] prefix = (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return content;
    }

    static byte[] hmac(WebhookSecret secret, String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.key(), HMAC));
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
