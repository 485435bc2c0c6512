package io.herald.contracts.messages;

import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;

/**
 * The body POSTed to an endpoint, in the Standard Webhooks payload shape: {@code {"type": ..., "timestamp": <ISO-8601>,
 * "data": {...}}}. Rendered once per event so every endpoint and every retry gets the same bytes.
 */
public final class WebhookPayload {

    private WebhookPayload() {
    }

    public static String render(EventMessage event) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("type", event.type());
        body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        body.set("data", event.data());
        return Json.write(body);
    }
}
