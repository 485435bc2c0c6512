package io.herald.kit.auth;

/** A bearer token that is missing, malformed, unsigned, expired or signed with the wrong key or algorithm. */
public class AuthenticationException extends Exception {

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
