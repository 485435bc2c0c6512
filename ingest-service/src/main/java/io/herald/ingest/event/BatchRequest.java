package io.herald.ingest.event;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A batch as a producer POSTs it; documents the body of {@code POST /v1/events/batch} (the body is read as a JSON tree,
 * so that each invalid item is reported on its own).
 *
 * @param events the events, each as for {@code POST /v1/events}
 */
@Schema(name = "BatchRequest", description = "Up to herald.ingest.batch.max-events (100 by default) events, each judged and published on its own")
public record BatchRequest(@Schema(required = true, minItems = 1, maxItems = 100) List<EventRequest> events) {
}
