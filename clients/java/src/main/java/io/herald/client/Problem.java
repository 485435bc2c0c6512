package io.herald.client;

import java.util.List;

/**
 * An RFC 9457 problem document, as Herald answers every error ({@code application/problem+json}).
 *
 * @param type a URI naming the kind of problem
 * @param title a short summary of the kind
 * @param status the HTTP status
 * @param detail what went wrong with this request
 * @param errors for invalid requests, one entry per invalid field (empty otherwise)
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** One invalid field: its name (or JSON pointer) and why. */
    public record FieldError(String field, String message) {
    }
}
