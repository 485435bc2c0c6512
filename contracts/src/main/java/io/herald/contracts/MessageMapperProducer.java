package io.herald.contracts;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The services' {@link MessageMapper}: a copy of the Quarkus-managed mapper (its modules and settings), so that the
 * conventions applied to it do not reach the REST API. Here, not in the service kit, for the reason given on
 * {@link ClockProducer}.
 */
public class MessageMapperProducer {

    @Produces
    @Singleton
    @MessageMapper
    ObjectMapper messageMapper(ObjectMapper objectMapper) {
        return Json.configure(objectMapper.copy());
    }
}
