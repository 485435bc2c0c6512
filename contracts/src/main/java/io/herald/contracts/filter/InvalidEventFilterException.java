package io.herald.contracts.filter;

/**
 * A filter expression that does not compile: a syntax or type error, or one over the size and cost bounds. Carries the
 * position of the first error (1-based line and column; 0 when the error concerns the whole expression).
 */
public class InvalidEventFilterException extends Exception {

    private final int line;
    private final int column;

    public InvalidEventFilterException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message with its position, as an API error shows it. */
    public String describe() {
        return line > 0 ? getMessage() + " (line " + line + ", column " + column + ")" : getMessage();
    }
}
