package io.herald.contracts;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * The {@code ObjectMapper} of Kafka record values in a service: the Quarkus-managed mapper with Herald's message
 * conventions ({@link Json#configure}). Qualified because the REST API keeps the unqualified one as it is (it writes
 * nulls).
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({ FIELD, METHOD, PARAMETER, TYPE })
public @interface MessageMapper {
}
