package io.herald.dispatch.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.contracts.signing.WebhookSigner;

/**
 * The request of one attempt: the body exactly as fan-out rendered it, the endpoint's own headers, and the Standard
 * Webhooks headers signed with every secret of the endpoint live at the time of the attempt.
 *
 * @param body the bytes to POST and sign
 * @param headers every header to send, signature included
 */
record WebhookRequest(byte[] body, Map<String, String> headers) {

    private static final Logger LOG = Logger.getLogger(WebhookRequest.class);
    private static final Set<String> OWN_HEADERS = Set.of("content-type", "content-length", "host", "user-agent",
            WebhookHeaders.ID.toLowerCase(Locale.ROOT), WebhookHeaders.TIMESTAMP.toLowerCase(Locale.ROOT),
            WebhookHeaders.SIGNATURE.toLowerCase(Locale.ROOT));

    /** The signed request of {@code delivery} to {@code endpoint}, attempted at {@code attemptedAt}. */
    static WebhookRequest of(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt) {
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = attemptedAt.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        if (endpoint.headers() != null) {
            // Reserved names are refused at registration; never let one replace what signs or frames the request.
            endpoint.headers().forEach((name, value) -> {
                if (name != null && value != null && !OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, value);
                }
            });
        }
        headers.put("Content-Type", "application/json");
        headers.put(WebhookHeaders.ID, delivery.webhookId());
        headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(WebhookHeaders.SIGNATURE, WebhookSigner.signatureHeader(liveSecrets(endpoint, attemptedAt),
                delivery.webhookId(), timestamp, body));
        return new WebhookRequest(body, headers);
    }

    /** The endpoint's secrets live at {@code now}, unreadable ones left out (logged). */
    static List<WebhookSecret> liveSecrets(EndpointState endpoint, Instant now) {
        List<WebhookSecret> secrets = new ArrayList<>();
        for (EndpointSecret secret : endpoint.secrets() == null ? List.<EndpointSecret> of() : endpoint.secrets()) {
            if (secret.liveAt(now)) {
                try {
                    secrets.add(WebhookSecret.parse(secret.secret()));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("Endpoint %s has an unreadable secret; not signing with it", endpoint.id());
                }
            }
        }
        return secrets;
    }
}
