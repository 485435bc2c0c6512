package io.herald.dispatch.routing;

import io.smallrye.config.ConfigMapping;

/** The keys that open the endpoint secrets sealed in {@code herald.endpoints}. */
@ConfigMapping(prefix = "herald.dispatch.secrets")
public interface EndpointSecretsConfig {

    /**
     * The keyring: the same keys as subscription's {@code herald.subscription.secrets.encryption-key}
     * ({@code <id>:<base64 of 32 bytes>[,<id>:<base64>...]}, a bare base64 key being the key {@code v1}); dispatch only
     * opens, so their order does not matter here. Env {@code HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY}; required.
     */
    String encryptionKey();
}
