package io.herald.subscription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;

/**
 * Bean Validation of request bodies that resources check in several steps: collect the violations, add the rules of
 * their own, then answer every invalid field in one 400 problem.
 */
@ApplicationScoped
public class RequestValidation {

    private final Validator validator;

    public RequestValidation(Validator validator) {
        this.validator = validator;
    }

    /** The body's constraint violations, by field path; a list the caller may add to. */
    public <T> List<FieldError> violations(T request) {
        List<FieldError> errors = new ArrayList<>();
        validator.validate(request).stream().sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .forEach((ConstraintViolation<T> v) -> errors
                        .add(new FieldError(v.getPropertyPath().toString(), v.getMessage())));
        return errors;
    }

    /** A 400 problem without a body; a 422 one naming each field of the body its type does not know. */
    public static void requireBody(LenientBody request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body");
        }
        if (!request.unknownFields().isEmpty()) {
            throw ProblemException.unknownFields(request.unknownFields());
        }
    }

    /** A 400 problem naming every field in {@code errors}, unless there are none. */
    public static void failIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("The request has " + errors.size() + " invalid field(s)", errors);
        }
    }
}
