package io.herald.subscription.testevent;

/**
 * A test event on its way: its attempts appear under {@code GET /v1/events/{eventId}/attempts} (and the endpoint's log)
 * once dispatch made them.
 */
public record TestEventResponse(String eventId, String eventType, String endpointId, String deliveryId,
        String webhookId) {
}
