package io.herald.testing;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.herald.kit.problem.Problem;
import io.restassured.response.ValidatableResponse;

/** The exact problem documents (RFC 9457) an API service answers when authentication or authorization fails. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    /** 401 with {@code detail}, and no {@code WWW-Authenticate} challenge. */
    public static void unauthorized(ValidatableResponse response, String detail) {
        problem(response, 401, "urn:herald:problem:unauthorized", "Unauthorized", detail);
    }

    /** 403 with {@code detail}, and no {@code WWW-Authenticate} challenge. */
    public static void forbidden(ValidatableResponse response, String detail) {
        problem(response, 403, "urn:herald:problem:forbidden", "Forbidden", detail);
    }

    private static void problem(ValidatableResponse response, int status, String type, String title, String detail) {
        response.statusCode(status).contentType(Problem.MEDIA_TYPE).header("WWW-Authenticate", nullValue())
                .body("type", equalTo(type)).body("title", equalTo(title)).body("status", equalTo(status))
                .body("detail", equalTo(detail));
    }
}
