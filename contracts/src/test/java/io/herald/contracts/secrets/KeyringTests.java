package io.herald.contracts.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;

class KeyringTests {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OLD = key(1);
    private static final String NEW = key(2);

    static String key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void shouldSealWithARandomNonceTheKeyIdInFrontAndNoPlaintext() {
        Keyring keyring = Keyring.parse("k1:" + OLD, "test");

        String first = keyring.seal(SECRET, "ep_1");
        String second = keyring.seal(SECRET, "ep_1");

        assertThat(first).startsWith("k1:").isNotEqualTo(second).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(keyring.open(first, "ep_1")).isEqualTo(SECRET);
        assertThat(keyring.open(second, "ep_1")).isEqualTo(SECRET);
        assertThat(keyring.seal(null, "ep_1")).isNull();
        assertThat(keyring.open(null, "ep_1")).isNull();
    }

    @Test
    void shouldSealWithTheNewestKeyAndStillOpenWhatTheOlderOneSealed() {
        Keyring before = Keyring.parse("k1:" + OLD, "test");
        Keyring after = Keyring.parse("k2:" + NEW + ", k1:" + OLD, "test");
        String sealedBefore = before.seal(SECRET, "ep_1");

        String sealedAfter = after.seal(SECRET, "ep_1");

        assertThat(after.sealingKeyId()).isEqualTo("k2");
        assertThat(after.keyIds()).containsExactly("k2", "k1");
        assertThat(sealedAfter).startsWith("k2:");
        assertThat(after.open(sealedBefore, "ep_1")).isEqualTo(SECRET);
        assertThat(after.sealedWithCurrentKey(sealedBefore)).isFalse();
        String moved = after.reseal(sealedBefore, "ep_1");
        assertThat(moved).startsWith("k2:");
        assertThat(Keyring.parse("k2:" + NEW, "test").open(moved, "ep_1")).isEqualTo(SECRET);
        assertThat(after.reseal(moved, "ep_1")).isSameAs(moved);
    }

    @Test
    void shouldRefuseAnUnknownKeyIdAndNeverTakeAValueAsPlaintext() {
        Keyring keyring = Keyring.parse("k2:" + NEW, "test");
        String sealedUnderDroppedKey = Keyring.parse("k1:" + OLD, "test").seal(SECRET, "ep_1");

        assertThatThrownBy(() -> keyring.open(sealedUnderDroppedKey, "ep_1")).isInstanceOf(SealedValueException.class)
                .hasMessageContaining("'k1'").hasMessageNotContaining("whsec_");
        assertThatThrownBy(() -> keyring.open(SECRET, "ep_1")).isInstanceOf(SealedValueException.class)
                .hasMessageContaining("not sealed").hasMessageNotContaining("MfKQ9r8");
        assertThatThrownBy(() -> keyring.open("Bearer:abc", "ep_1")).isInstanceOf(SealedValueException.class);
        assertThatThrownBy(() -> keyring.open("k2:", "ep_1")).isInstanceOf(SealedValueException.class);
    }

    @Test
    void shouldRefuseAValueOfAnotherEndpointAnotherKeyOfTheSameIdOrAltered() {
        Keyring keyring = Keyring.parse("k1:" + OLD, "test");
        String sealed = keyring.seal(SECRET, "ep_1");
        char[] altered = sealed.toCharArray();
        altered[10] = altered[10] == 'A' ? 'B' : 'A';

        assertThatThrownBy(() -> keyring.open(sealed, "ep_2")).isInstanceOf(SealedValueException.class);
        assertThatThrownBy(() -> Keyring.parse("k1:" + NEW, "test").open(sealed, "ep_1"))
                .isInstanceOf(SealedValueException.class);
        assertThatThrownBy(() -> keyring.open(new String(altered), "ep_1")).isInstanceOf(SealedValueException.class);
    }

    @Test
    void shouldReadABareKeyAsTheLegacyKeyV1() {
        Keyring legacy = Keyring.parse(OLD, "test");

        assertThat(legacy.sealingKeyId()).isEqualTo(Keyring.LEGACY_KEY_ID);
        assertThat(legacy.seal(SECRET, "ep_1")).startsWith("v1:");
    }

    @Test
    void shouldRefuseAMalformedKeyringWithoutShowingTheKey() {
        assertThatThrownBy(() -> Keyring.parse("", "herald.x")).hasMessageContaining("herald.x is not set");
        assertThatThrownBy(() -> Keyring.parse("k1:not base64!", "herald.x")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> Keyring.parse("k1:" + Base64.getEncoder().encodeToString(new byte[16]), "herald.x"))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Keyring.parse("k1:" + OLD + ",k1:" + NEW, "herald.x")).hasMessageContaining("twice")
                .hasMessageNotContaining(OLD);
        assertThatThrownBy(() -> Keyring.parse("bad id:" + OLD, "herald.x")).hasMessageContaining("key id");
    }

    @Test
    void shouldSealAnEndpointStatesKeysAndHeaderValuesButNothingElse() {
        Keyring keyring = Keyring.parse("k1:" + OLD, "test");
        EndpointState state = EndpointState.of("ep_1", "acme", "https://example.com/hooks", List.of("order.*"), true,
                List.of(new EndpointSecret(SECRET, null),
                        new EndpointSecret("whsk_cHJpdmF0ZS1rZXktbWF0ZXJpYWw=", Instant.EPOCH)),
                3, Instant.EPOCH).withDeliveryOptions(Map.of("Authorization", "Bearer top-secret-token"), 5, null);

        EndpointState sealed = state.sealed(keyring);
        String json = Json.write(sealed);

        assertThat(json)
                .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "cHJpdmF0ZS1rZXktbWF0ZXJpYWw", "top-secret-token")
                .contains("\"k1:", "Authorization", "https://example.com/hooks", "\"schemaVersion\":2");
        assertThat(sealed.toString()).doesNotContain("top-secret-token", SECRET);
        EndpointState opened = Json.read(json, EndpointState.class).opened(keyring);
        assertThat(opened).isEqualTo(state);
        assertThatThrownBy(() -> state.opened(keyring)).isInstanceOf(SealedValueException.class);
        assertThatThrownBy(() -> Json.read(json.replace("ep_1", "ep_2"), EndpointState.class).opened(keyring))
                .isInstanceOf(SealedValueException.class);
    }
}
