package io.herald.subscription.deadletter;

import java.time.Instant;

/**
 * The answer of {@code POST /v1/endpoints/{id}/recover}.
 *
 * @param replayed dead letters this call replayed; those replayed before are not counted (nor published) again
 */
public record RecoveryResponse(String endpointId, Instant since, int replayed) {
}
