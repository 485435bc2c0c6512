package io.herald.subscription.secret;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.herald.contracts.secrets.Keyring;

/**
 * Seals what must not sit anywhere as plaintext: signing secrets, private keys and custom header values, in PostgreSQL
 * and in the endpoint states published on {@code herald.endpoints}. The cryptography is contracts' {@link Keyring}
 * (AES-256-GCM, key id in every value), the one dispatch opens the states with; this bean holds the configured keyring.
 */
@ApplicationScoped
public class SecretCipher {

    /** The configuration key of the keyring, named in error messages. */
    public static final String SETTING = "herald.subscription.secrets.encryption-key";

    private final Keyring keyring;

    @Inject
    public SecretCipher(SecretsConfig config) {
        this(Keyring.parse(config.encryptionKey(), SETTING));
    }

    public SecretCipher(Keyring keyring) {
        this.keyring = keyring;
    }

    public Keyring keyring() {
        return keyring;
    }

    /** Seals {@code plaintext} for the row {@code boundTo} with the newest key; null stays null. */
    public String encrypt(String plaintext, String boundTo) {
        return keyring.seal(plaintext, boundTo);
    }

    /**
     * Opens what {@link #encrypt} sealed for {@code boundTo} with any key of the keyring; null stays null.
     *
     * @throws io.herald.contracts.secrets.SealedValueException when the value is not sealed, its key id is unknown, or
     *         it was sealed for another row or altered
     */
    public String decrypt(String stored, String boundTo) {
        return keyring.open(stored, boundTo);
    }
}
