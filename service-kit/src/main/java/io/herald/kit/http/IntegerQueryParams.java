package io.herald.kit.http;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/**
 * Converts {@code Integer} query parameters so that a value which is not a whole number answers 400 problem+json naming
 * the parameter: Jakarta REST itself turns a query parameter it cannot convert into a 404 without a body. An empty
 * value counts as absent (null).
 */
@Provider
public class IntegerQueryParams implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != Integer.class) {
            return null;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return (ParamConverter<T>) new Converter(query.value());
            }
        }
        return null;
    }

    private record Converter(String name) implements ParamConverter<Integer> {

        @Override
        public Integer fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return Integer.valueOf(value.trim());
            } catch (NumberFormatException e) {
                // Wrapped so the runtime passes it on as it is; the exception mapper answers the problem inside.
                throw new WebApplicationException(
                        ProblemException.invalid("Query parameter '" + name + "' is not a whole number",
                                List.of(new Problem.FieldError(name, "must be a whole number"))),
                        400);
            }
        }

        @Override
        public String toString(Integer value) {
            return value == null ? null : value.toString();
        }
    }
}
