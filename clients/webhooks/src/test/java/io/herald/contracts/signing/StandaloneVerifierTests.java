package io.herald.contracts.signing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The artifact subscribers depend on works on its own (no Jackson, no Kafka records on the classpath): the Standard
 * Webhooks specification's own test vector verifies. The full shared vectors run in contracts.
 */
class StandaloneVerifierTests {

    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final String TIMESTAMP = "1614265330";
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private final WebhookVerifier verifier = new WebhookVerifier(List.of(WebhookSecret.parse(SECRET)),
            Clock.fixed(Instant.ofEpochSecond(Long.parseLong(TIMESTAMP)), ZoneOffset.UTC));

    @Test
    void shouldVerifyTheSpecificationsTestVector() {
        assertThatCode(() -> verifier.verify(BODY.getBytes(StandardCharsets.UTF_8), ID, TIMESTAMP, SIGNATURE))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseTheVectorWithATamperedBody() {
        assertThatThrownBy(() -> verifier.verify("{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), ID,
                TIMESTAMP, SIGNATURE)).isInstanceOf(WebhookVerificationException.class);
    }
}
