package io.herald.subscription.secret;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Signing secrets: their encryption at rest and their rotation. */
@ConfigMapping(prefix = "herald.subscription.secrets")
public interface SecretsConfig {

    /**
     * AES-256 key encrypting signing secrets and outbox payloads at rest: base64 of 32 random bytes (e.g.
     * {@code openssl rand -base64 32}); env {@code HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY}. Required in production;
     * dev and test profiles carry a fixed, public one.
     */
    String encryptionKey();

    /** How long a rotated-out secret keeps signing beside the new one, in ms (default 24 h). */
    @WithDefault("86400000")
    long rotationGraceMs();

    /**
     * How often rotated-out secrets past their grace period are removed (which publishes the endpoint's state again
     * with the new secret only), in ms. Dispatch already ignores an expired secret by its {@code expiresAt}.
     */
    @WithDefault("60000")
    long expirySweepIntervalMs();
}
