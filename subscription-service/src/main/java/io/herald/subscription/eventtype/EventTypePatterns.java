package io.herald.subscription.eventtype;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.List;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

import io.herald.contracts.messages.EventTypePattern;

/**
 * Every entry is a subscription pattern of {@link EventTypePattern#isValidSubscription}: {@code order.created},
 * {@code order.*} or {@code *}. Null is valid (pair with {@code @NotEmpty}). Validates the list as a whole so the error
 * names the field, not a container-element path.
 */
@Documented
@Retention(RUNTIME)
@Target({ FIELD, PARAMETER })
@Constraint(validatedBy = EventTypePatterns.Validator.class)
public @interface EventTypePatterns {

    String message() default "entries must be event types (order.created), prefix wildcards (order.*) or *";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<EventTypePatterns, List<String>> {

        @Override
        public boolean isValid(List<String> value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            for (int i = 0; i < value.size(); i++) {
                if (!EventTypePattern.isValidSubscription(value.get(i))) {
                    context.disableDefaultConstraintViolation();
                    // The index goes in as a message parameter, never into the template: templates are interpreted.
                    context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("index", i)
                            .buildConstraintViolationWithTemplate("entry {index} is not an event type (order.created), "
                                    + "a prefix wildcard (order.*) or *")
                            .addConstraintViolation();
                    return false;
                }
            }
            return true;
        }
    }
}
