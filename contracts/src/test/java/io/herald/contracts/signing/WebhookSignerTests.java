package io.herald.contracts.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.standardwebhooks.Webhook;

import io.herald.contracts.WebhookHeaders;

class WebhookSignerTests {

    @Test
    void shouldProduceTheSpecTestVector() {
        WebhookSecret secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String signature = WebhookSigner.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.herald.contracts.signing.SignatureVectors#signable")
    void shouldSignEveryVectorExactly(SignatureVectors.Case vector) {
        String signature = WebhookSigner.sign(WebhookSecret.parse(vector.signer()), vector.id(),
                Long.parseLong(vector.timestamp()), vector.body());

        assertThat(signature).isEqualTo(vector.signature());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.herald.contracts.signing.SignatureVectors#signableWithKeyPair")
    void shouldDeriveTheVectorsPublicKeyFromItsPrivateKey(SignatureVectors.Case vector) {
        WebhookSecret signer = WebhookSecret.parse(vector.signer());

        assertThat(signer.verificationKey().encoded()).isEqualTo(vector.secrets().get(0));
    }

    @Test
    void shouldPickTheSchemeFromEachKeysPrefixDuringAModeSwitch() {
        WebhookSecret hmac = WebhookSecret.generate(32);
        WebhookSecret ed25519 = WebhookSecret.generateEd25519();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        String header = WebhookSigner.signatureHeader(List.of(ed25519, hmac), "msg_1", 1700000000, body);

        assertThat(header.split(" ")).hasSize(2);
        assertThat(header.split(" ")[0]).startsWith("v1a,").hasSize("v1a,".length() + 88);
        assertThat(header.split(" ")[1]).isEqualTo(WebhookSigner.sign(hmac, "msg_1", 1700000000, body));
    }

    @Test
    void shouldGenerateEd25519KeysWhosePublicHalfIsWhpkAndWhosePrivateHalfIsNeverPrinted() {
        WebhookSecret key = WebhookSecret.generateEd25519();

        assertThat(key.encoded()).startsWith("whsk_").hasSize("whsk_".length() + 88);
        assertThat(WebhookSecret.parse(key.encoded())).isEqualTo(key);
        assertThat(key.kind()).isEqualTo(WebhookSecret.Kind.ED25519_PRIVATE);
        assertThat(key.signatureVersion()).isEqualTo("v1a");
        WebhookSecret publicKey = key.verificationKey();
        assertThat(publicKey.encoded()).startsWith("whpk_").hasSize("whpk_".length() + 44);
        assertThat(publicKey.canSign()).isFalse();
        // The private key's base64 carries the seed in its first 43 characters.
        assertThat(key.toString()).doesNotContain(key.encoded().substring(5, 48));
        assertThat(WebhookSecret.generateEd25519()).isNotEqualTo(key);
    }

    @Test
    void shouldRefuseToSignWithAPublicKey() {
        WebhookSecret publicKey = WebhookSecret.generateEd25519().verificationKey();

        assertThatThrownBy(() -> WebhookSigner.sign(publicKey, "msg_1", 1700000000, "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsk_");
    }

    @Test
    void shouldRefuseEd25519KeysOfTheWrongLengthWithoutEchoingThem() {
        String seedOnly = "whsk_" + Base64.getEncoder().encodeToString(new byte[32]);

        assertThatThrownBy(() -> WebhookSecret.parse(seedOnly)).isInstanceOf(IllegalArgumentException.class).message()
                .doesNotContain(seedOnly.substring(5));
        assertThatThrownBy(() -> WebhookSecret.parse("whpk_" + Base64.getEncoder().encodeToString(new byte[31])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSecret.parse("whsk_%%%")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAPrivateKeyWhosePublicHalfBelongsToAnotherSeed() {
        byte[] one = Base64.getDecoder().decode(WebhookSecret.generateEd25519().encoded().substring(5));
        byte[] other = Base64.getDecoder().decode(WebhookSecret.generateEd25519().encoded().substring(5));
        System.arraycopy(other, 32, one, 32, 32);
        WebhookSecret mismatched = WebhookSecret.parse("whsk_" + Base64.getEncoder().encodeToString(one));

        assertThatThrownBy(mismatched::verificationKey).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSignWithEveryLiveSecretSpaceSeparated() {
        WebhookSecret old = WebhookSecret.generate(32);
        WebhookSecret current = WebhookSecret.generate(32);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        String header = WebhookSigner.signatureHeader(List.of(old, current), "msg_1", 1700000000, body);

        assertThat(header.split(" ")).containsExactly(WebhookSigner.sign(old, "msg_1", 1700000000, body),
                WebhookSigner.sign(current, "msg_1", 1700000000, body));
    }

    @Test
    void shouldBeAcceptedByTheReferenceLibrary() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(48);
        String body = "{\"type\":\"order.created\",\"data\":{\"total\":12.5,\"note\":\"caf\u00e9\"}}";
        long now = Instant.now().getEpochSecond();
        String header = WebhookSigner.signatureHeader(List.of(WebhookSecret.generate(24), secret), "msg_ref", now,
                body.getBytes(StandardCharsets.UTF_8));

        new Webhook(secret.encoded()).verify(body,
                HttpHeaders.of(
                        Map.of(WebhookHeaders.ID, List.of("msg_ref"), WebhookHeaders.TIMESTAMP,
                                List.of(Long.toString(now)), WebhookHeaders.SIGNATURE, List.of(header)),
                        (name, value) -> true));
    }

    @Test
    void shouldAgreeWithTheReferenceLibrarySignature() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(32);

        String ours = WebhookSigner.sign(secret, "msg_x", 1700000123, "hello");

        assertThat(ours).isEqualTo(new Webhook(secret.encoded()).sign("msg_x", 1700000123, "hello"));
    }

    @Test
    void shouldGenerateSecretsThatRoundTripThroughTheirEncodedForm() {
        WebhookSecret secret = WebhookSecret.generate(24);

        assertThat(secret.encoded()).startsWith("whsec_");
        assertThat(WebhookSecret.parse(secret.encoded())).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(secret.encoded().substring(6));
    }

    @Test
    void shouldRefuseSecretLengthsOutsideTheAllowedRange() {
        assertThatThrownBy(() -> WebhookSecret.generate(23)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSecret.generate(65)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseMalformedSecretsWithoutEchoingThem() {
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_%%%secret%%%")).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("secret%%%");
        assertThatThrownBy(() -> WebhookSecret.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
