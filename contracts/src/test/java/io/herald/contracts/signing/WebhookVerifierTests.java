package io.herald.contracts.signing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookVerifierTests {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.herald.contracts.signing.SignatureVectors#load")
    void shouldJudgeEveryVectorAsExpected(SignatureVectors.Case vector) {
        WebhookVerifier verifier = new WebhookVerifier(vector.secrets().stream().map(WebhookSecret::parse).toList(),
                Clock.fixed(Instant.ofEpochSecond(vector.now()), ZoneOffset.UTC));

        if (vector.valid()) {
            assertThatCode(() -> verify(verifier, vector)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> verify(verifier, vector)).isInstanceOf(WebhookVerificationException.class)
                    .hasMessageContaining(vector.error());
        }
    }

    @Test
    void shouldMatchHeaderNamesCaseInsensitively() {
        WebhookVerifier verifier = new WebhookVerifier(
                List.of(WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
                Clock.fixed(Instant.ofEpochSecond(1614265330), ZoneOffset.UTC));

        assertThatCode(() -> verifier.verify("{\"test\": 2432232314}",
                Map.of("Webhook-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "WEBHOOK-TIMESTAMP", "1614265330",
                        "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")))
                                .doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptWhatTheSignerProducesNow() {
        WebhookSecret secret = WebhookSecret.generate(32);
        long now = Instant.now().getEpochSecond();
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSigner.signatureHeader(List.of(secret), "msg_now", now, body);

        assertThatCode(() -> WebhookVerifier.of(secret.encoded()).verify(body, "msg_now", Long.toString(now), header))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptAV1aSignatureWithThePublicKeyAndRejectAnotherKeyOrATamperedBody() {
        WebhookSecret key = WebhookSecret.generateEd25519();
        long now = Instant.now().getEpochSecond();
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSigner.signatureHeader(List.of(key), "msg_now", now, body);
        String publicKey = key.verificationKey().encoded();

        assertThatCode(() -> WebhookVerifier.of(publicKey).verify(body, "msg_now", Long.toString(now), header))
                .doesNotThrowAnyException();
        String otherKey = WebhookSecret.generateEd25519().verificationKey().encoded();
        assertThatThrownBy(() -> WebhookVerifier.of(otherKey).verify(body, "msg_now", Long.toString(now), header))
                .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("No matching signature");
        byte[] tampered = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WebhookVerifier.of(publicKey).verify(tampered, "msg_now", Long.toString(now), header))
                .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("No matching signature");
    }

    @Test
    void shouldAcceptEitherKeyDuringAnEd25519Rotation() {
        WebhookSecret old = WebhookSecret.generateEd25519();
        WebhookSecret current = WebhookSecret.generateEd25519();
        long now = Instant.now().getEpochSecond();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSigner.signatureHeader(List.of(current, old), "msg_r", now, body);

        for (WebhookSecret trusted : List.of(old, current)) {
            assertThatCode(() -> WebhookVerifier.of(trusted.verificationKey().encoded()).verify(body, "msg_r",
                    Long.toString(now), header)).doesNotThrowAnyException();
        }
    }

    private static void verify(WebhookVerifier verifier, SignatureVectors.Case vector)
            throws WebhookVerificationException {
        verifier.verify(vector.body().getBytes(StandardCharsets.UTF_8), vector.id(), vector.timestamp(),
                vector.signature());
    }
}
