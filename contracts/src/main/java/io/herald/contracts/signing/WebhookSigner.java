package io.herald.contracts.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks per Standard Webhooks: {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}. With several
 * live secrets (a rotation in progress) the header carries one signature per secret, space-separated.
 */
public final class WebhookSigner {

    public static final String V1 = "v1";
    private static final String HMAC = "HmacSHA256";

    private WebhookSigner() {
    }

    /** One {@code v1,...} signature. */
    public static String sign(WebhookSecret secret, String webhookId, long timestampSeconds, byte[] body) {
        return V1 + "," + Base64.getEncoder().encodeToString(hmac(secret, webhookId, timestampSeconds, body));
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
