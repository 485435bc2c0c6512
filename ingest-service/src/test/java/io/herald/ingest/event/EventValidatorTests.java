package io.herald.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;

class EventValidatorTests {

    @Test
    void shouldAcceptAMinimalEvent() {
        assertThat(errors("{\"type\":\"order.created\",\"data\":{}}")).isEmpty();
    }

    @Test
    void shouldAcceptEveryOptionalField() {
        assertThat(errors("{\"type\":\"order.item.added\",\"data\":{\"a\":[1]},\"id\":\"evt:1\","
                + "\"orderingKey\":\"order-1\",\"occurredAt\":\"2026-01-01T12:00:00.5+02:00\",\"extra\":true}"))
                        .isEmpty();
    }

    @Test
    void shouldTreatNullOptionalFieldsAsAbsent() {
        assertThat(errors(
                "{\"type\":\"order.created\",\"data\":{},\"id\":null,\"orderingKey\":null," + "\"occurredAt\":null}"))
                        .isEmpty();
    }

    @Test
    void shouldReportEachBrokenRuleWithItsField() {
        assertThat(errors("{}")).extracting(FieldError::field).containsExactly("type", "data");
        assertThat(errors("{\"type\":\"\",\"data\":{}}")).extracting(FieldError::field).containsExactly("type");
        assertThat(errors("{\"type\":\"herald.endpoint.disabled\",\"data\":{}}")).extracting(FieldError::message)
                .singleElement().asString().contains("reserved");
        assertThat(errors("{\"type\":\"order.created\",\"data\":{},\"orderingKey\":\"\"}"))
                .extracting(FieldError::field).containsExactly("orderingKey");
        assertThat(errors("{\"type\":\"order.created\",\"data\":{},\"orderingKey\":\"" + "k".repeat(256) + "\"}"))
                .isEmpty();
        assertThat(errors("{\"type\":\"order.created\",\"data\":{},\"id\":7,\"orderingKey\":[],\"occurredAt\":{}}"))
                .extracting(FieldError::message)
                .containsExactly("must be a string", "must be a string", "must be a string");
    }

    @Test
    void shouldParseOccurredAtOnlyWithAnOffset() {
        assertThat(EventValidator.parseOccurredAt("2026-01-01T12:00:00Z"))
                .isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
        assertThat(EventValidator.parseOccurredAt("2026-01-01T12:00:00-05:00"))
                .isEqualTo(Instant.parse("2026-01-01T17:00:00Z"));
        assertThat(EventValidator.parseOccurredAt("2026-01-01T12:00:00")).isNull();
        assertThat(EventValidator.parseOccurredAt("2026-01-01")).isNull();
        assertThat(EventValidator.parseOccurredAt("2026-02-30T12:00:00Z")).isNull();
    }

    @Test
    void shouldRefuseABodyThatIsNotOneJsonObject() {
        for (String body : new String[] { "", "  ", "null", "[]", "42", "{\"type\":", "{} {}" }) {
            assertThatThrownBy(() -> EventValidator.parseObject(body)).as(body).isInstanceOf(ProblemException.class)
                    .extracting(e -> ((ProblemException) e).problem().status()).isEqualTo(400);
        }
    }

    private static List<FieldError> errors(String json) {
        return EventValidator.check(EventValidator.parseObject(json));
    }
}
