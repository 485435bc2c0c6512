package io.herald.subscription.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class PortalKeyTests {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void shouldDeriveThePortalKeyFromTheKeyringsSealingKey() {
        assertThat(PortalTokens.deriveKey("k2:" + K2 + ",k1:" + K1)).isEqualTo(PortalTokens.deriveKey(K2))
                .isNotEqualTo(PortalTokens.deriveKey("k1:" + K1 + ",k2:" + K2));
        assertThat(PortalTokens.deriveKey(K1)).isNotEqualTo(Base64.getDecoder().decode(K1));
    }
}
