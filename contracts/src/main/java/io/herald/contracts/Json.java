package io.herald.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.herald.contracts.json.ExactNumbers;

/**
 * The JSON form of every Kafka message: ISO-8601 instants, nulls omitted, unknown fields ignored and unknown enum
 * values read as null, so that an older consumer reads a newer record. JSON trees (an event's {@code data}) keep every
 * number exactly as written ({@link ExactNumbers}), so a producer's bytes reach the subscriber unchanged.
 */
public final class Json {

    private static final MessageJson STANDALONE = new MessageJson(configure(JsonMapper.builder().build()));

    private Json() {
    }

    /** Applies Herald's message conventions to a mapper (a service may pass in its own, e.g. Quarkus'). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule()).registerModule(ExactNumbers.module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /**
     * The conventions on a mapper of their own, for plain Java (dev stack, clients, tests); a service injects its
     * {@link MessageJson}.
     */
    public static MessageJson standalone() {
        return STANDALONE;
    }

    public static ObjectMapper mapper() {
        return STANDALONE.mapper();
    }

    public static String write(Object value) {
        return STANDALONE.write(value);
    }

    public static <T> T read(String json, Class<T> type) {
        return STANDALONE.read(json, type);
    }
}
