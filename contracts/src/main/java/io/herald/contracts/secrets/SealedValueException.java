package io.herald.contracts.secrets;

/**
 * A sealed value that cannot be opened: not sealed at all, sealed under a key id the keyring does not hold, sealed for
 * another endpoint, or altered. The message names the key id and what it is bound to, never the value.
 */
public class SealedValueException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public SealedValueException(String message) {
        super(message);
    }
}
