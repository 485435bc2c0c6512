package io.herald.client;

/** Every failure of a {@link HeraldClient} call. */
public class HeraldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HeraldException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No answer from Herald (connection refused, timeout, reset) after every retry. */
    public static class ConnectionFailed extends HeraldException {

        private static final long serialVersionUID = 1L;

        public ConnectionFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
