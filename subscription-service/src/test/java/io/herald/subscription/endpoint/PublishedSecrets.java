package io.herald.subscription.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.contracts.signing.WebhookSigner;
import io.herald.contracts.signing.WebhookVerificationException;
import io.herald.contracts.signing.WebhookVerifier;

/** What the secrets of a published endpoint state mean to a subscriber. */
final class PublishedSecrets {

    private PublishedSecrets() {
    }

    /** Whether what dispatch would sign with {@code state} at {@code at} verifies with the subscriber's key. */
    static boolean verifies(EndpointState state, Instant at, String subscriberKey) {
        List<WebhookSecret> live = state.secrets().stream().filter(s -> s.liveAt(at))
                .map(s -> WebhookSecret.parse(s.secret())).toList();
        byte[] body = "{\"type\":\"order.created\"}".getBytes(StandardCharsets.UTF_8);
        long timestamp = at.getEpochSecond();
        String header = WebhookSigner.signatureHeader(live, "msg_1", timestamp, body);
        try {
            new WebhookVerifier(List.of(WebhookSecret.parse(subscriberKey)), Clock.fixed(at, ZoneOffset.UTC))
                    .verify(body, "msg_1", Long.toString(timestamp), header);
            return true;
        } catch (WebhookVerificationException e) {
            return false;
        }
    }
}
