package io.herald.dispatch.routing;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.Keyring;

/**
 * Opens the sealed signing keys and header values of the endpoint states read from {@code herald.endpoints}, with the
 * keyring subscription seals them with (contracts' {@link Keyring}). A state with a value that is not sealed, or sealed
 * under a key id this keyring lacks, is refused: never signed with, never sent as a header.
 */
@ApplicationScoped
public class EndpointStateOpener {

    /** The configuration key of the keyring ({@link EndpointSecretsConfig#encryptionKey()}). */
    public static final String SETTING = "herald.dispatch.secrets.encryption-key";

    private final Keyring keyring;

    EndpointStateOpener(EndpointSecretsConfig config) {
        this.keyring = Keyring.parse(config.encryptionKey(), SETTING);
    }

    /**
     * The state with its secrets in plaintext; null (a tombstone) stays null.
     *
     * @throws io.herald.contracts.secrets.SealedValueException when a value does not open
     */
    public EndpointState open(EndpointState sealed) {
        return sealed == null ? null : sealed.opened(keyring);
    }
}
