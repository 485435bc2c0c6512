package io.herald.subscription.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTests {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final SecretCipher cipher = new SecretCipher(KEY);

    @Test
    void shouldRoundTripWithARandomNonceAndNoPlaintextInTheCiphertext() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        String first = cipher.encrypt(secret, "ep_1");
        String second = cipher.encrypt(secret, "ep_1");

        assertThat(first).startsWith("v1:").isNotEqualTo(second).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(cipher.decrypt(first, "ep_1")).isEqualTo(secret);
        assertThat(cipher.decrypt(second, "ep_1")).isEqualTo(secret);
    }

    @Test
    void shouldRefuseACiphertextOfAnotherRowAnotherKeyOrAltered() {
        String sealed = cipher.encrypt("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "ep_1");
        SecretCipher otherKey = new SecretCipher(Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8,
                9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 }));
        char[] altered = sealed.toCharArray();
        altered[10] = altered[10] == 'A' ? 'B' : 'A';

        assertThatThrownBy(() -> cipher.decrypt(sealed, "ep_2")).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("whsec_");
        assertThatThrownBy(() -> otherKey.decrypt(sealed, "ep_1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(new String(altered), "ep_1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldPassNullAndLegacyPlaintextThrough() {
        assertThat(cipher.encrypt(null, "ep_1")).isNull();
        assertThat(cipher.decrypt(null, "ep_1")).isNull();
        assertThat(cipher.decrypt("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "ep_1"))
                .isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Test
    void shouldRefuseAKeyThatIsNot32Base64Bytes() {
        assertThatThrownBy(() -> new SecretCipher("not base64!")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalStateException.class);
    }
}
