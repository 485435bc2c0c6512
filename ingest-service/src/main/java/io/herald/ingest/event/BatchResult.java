package io.herald.ingest.event;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.herald.kit.problem.Problem.FieldError;

/**
 * The answer to a batch: one result per item, in the order of the request.
 *
 * @param accepted how many items Kafka acknowledged (status 202)
 * @param rejected how many were not stored (status 400, 422 or 503)
 * @param results one per item, in request order
 */
@Schema(name = "BatchResult", description = "Per-item results of a batch, in request order")
public record BatchResult(int accepted, int rejected, List<Item> results) {

    /**
     * The outcome of one item.
     *
     * @param index the item's position in the request, from 0
     * @param status 202 stored in Kafka; 400 invalid (see errors); 422 refused by the tenant's event-type catalog (data
     *        breaks the type's schema, or an unregistered type under {@code reject}; see errors); 503 not acknowledged
     *        in time, retry it
     * @param id the event id (the producer's or a generated one); absent for an item without a valid id that was not
     *        stored
     * @param type for a failed item, the RFC 9457 problem type
     * @param detail for a failed item, what went wrong
     * @param errors for a 400 or 422 item, each failure (for a schema violation a JSON pointer such as /data/amount)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BatchItemResult")
    public record Item(int index, @Schema(enumeration = {
            "202", "400", "422", "503" }) int status, String id, String type, String detail, List<FieldError> errors){

        static Item accepted(int index, String id) {
            return new Item(index, 202, id, null, null, null);
        }
    }
}
