package io.herald.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.contracts.Json;
import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.testing.ServiceTestResources;
import io.quarkus.test.junit.QuarkusTest;

/** The service's record mapper (the Quarkus-managed one with the message conventions) against the plain-Java one. */
@QuarkusTest
@ServiceTestResources
class RecordJsonTests {

    private static final String DATA = "{\"a\":0.1000000000000000000001,\"b\":1.50,\"c\":1e400,\"d\":-0,\"e\":1E-7,"
            + "\"f\":123456789012345678901234567890,\"g\":-2.5e+3,\"h\":[0.30000000000000004,1.0,{\"i\":7}],"
            + "\"j\":\"1e400\",\"k\":null,\"l\":true,\"m\":42,\"n\":-9007199254740993}";
    private static final Instant T = Instant.parse("2026-11-22T10:15:30.123Z");

    @Inject
    MessageJson json;

    @Inject
    ObjectMapper restMapper;

    @Test
    void shouldWriteAnEventWithExoticNumbersToTheSameBytesAsThePlainJavaMapper() {
        EventMessage event = EventMessage.of("evt_1", "acme", "order.created", json.read(DATA, JsonNode.class), null, T,
                T.plusSeconds(1));

        String written = json.write(event);

        assertThat(written).isEqualTo(Json.write(event)).contains("\"data\":" + DATA);
        assertThat(Json.write(json.read(Json.write(event), EventMessage.class))).isEqualTo(Json.write(event));
    }

    @Test
    void shouldWriteAndReadDeliveriesAndEndpointStatesAsThePlainJavaMapperDoes() {
        EventMessage event = EventMessage.of("evt_1", "acme", "order.created", Json.read(DATA, JsonNode.class),
                "order-42", T, T);
        DeliveryMessage delivery = DeliveryMessage.first(event, "ep_1", WebhookPayload.render(event), T)
                .retryAt(T.plusSeconds(5));
        EndpointState endpoint = EndpointState
                .of("ep_1", "acme", "https://example.com/hook", List.of("order.*"), true,
                        List.of(new EndpointSecret("whsec_abc=", null)), 3, T)
                .withDeliveryOptions(Map.of("X-Team", "payments"), 10, List.of(5_000L, 300_000L));

        assertThat(json.write(delivery)).isEqualTo(Json.write(delivery));
        assertThat(json.read(Json.write(delivery), DeliveryMessage.class)).isEqualTo(delivery);
        assertThat(json.write(endpoint)).isEqualTo(Json.write(endpoint));
        assertThat(json.read(Json.write(endpoint), EndpointState.class)).isEqualTo(endpoint);
    }

    @Test
    void shouldLeaveTheRestApisMapperWritingNulls() throws JsonProcessingException {
        Described body = new Described(null);

        assertThat(restMapper.writeValueAsString(body)).isEqualTo("{\"description\":null}");
        assertThat(json.write(body)).isEqualTo("{}");
    }

    record Described(String description) {
    }
}
