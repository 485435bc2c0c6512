package io.herald.subscription.secret;

import java.time.Duration;

import io.herald.kit.config.Milliseconds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Signing secrets: their encryption at rest and their rotation. */
@ConfigMapping(prefix = "herald.subscription.secrets")
public interface SecretsConfig {

    /**
     * The keyring sealing signing secrets, private keys and header values, in PostgreSQL and on
     * {@code herald.endpoints}: {@code <id>:<base64 of 32 random bytes>[,<id>:<base64>...]}, newest first (the first
     * seals, every one opens); a bare base64 key is the key {@code v1}. Dispatch must hold the same keys
     * ({@code herald.dispatch.secrets.encryption-key}). Env {@code HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY};
     * required in production; dev and test profiles carry fixed, public ones. See docs/operations.md, key rotation.
     */
    String encryptionKey();

    /**
     * How often the re-encryption job looks for endpoints whose secrets are not sealed with the newest key (or whose
     * published state is of an older schema), re-seals them and republishes their state, in ms; it also runs at
     * start-up.
     */
    @WithName("reseal-interval-ms")
    @WithDefault("600000")
    @WithConverter(Milliseconds.class)
    Duration resealInterval();

    /** Endpoints re-sealed per transaction by the re-encryption job (1-1000). */
    @WithDefault("100")
    int resealBatchSize();

    /** How long a rotated-out secret keeps signing beside the new one, in ms (default 24 h). */
    @WithName("rotation-grace-ms")
    @WithDefault("86400000")
    @WithConverter(Milliseconds.class)
    Duration rotationGrace();

    /**
     * How often rotated-out secrets past their grace period are removed (which publishes the endpoint's state again
     * with the new secret only), in ms. Dispatch already ignores an expired secret by its {@code expiresAt}.
     */
    @WithName("expiry-sweep-interval-ms")
    @WithDefault("60000")
    @WithConverter(Milliseconds.class)
    Duration expirySweepInterval();
}
