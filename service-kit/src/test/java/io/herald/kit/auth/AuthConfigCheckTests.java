package io.herald.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuthConfigCheckTests {

    private static final String SECRET = "unit-test-secret-0123456789abcdef-0123";

    @Test
    void shouldRefuseToStartWithoutIssuerAndAudienceUnlessTurnedOffExplicitly() {
        assertThatThrownBy(() -> BearerIdentityProvider.verifier(config(true, null, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("herald.auth.issuer")
                .hasMessageContaining("herald.auth.audience").hasMessageContaining("require-issuer-and-audience=false");
        assertThatThrownBy(() -> BearerIdentityProvider.verifier(config(true, "https://idp.example.com", null)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(BearerIdentityProvider.verifier(config(true, "https://idp.example.com", "herald"))).isNotNull();
        assertThat(BearerIdentityProvider.verifier(config(false, null, null))).isNotNull();
    }

    private static AuthConfig config(boolean require, String issuer, String audience) {
        return new TestAuthConfig(Optional.of(SECRET), Optional.empty(), Optional.ofNullable(issuer),
                Optional.ofNullable(audience), require, 86_400);
    }
}
