package io.herald.subscription.settings;

import java.util.Map;
import java.util.Set;

import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnySetter;

import io.herald.subscription.LenientBody;

/**
 * Body of {@code PATCH /v1/settings} (merge patch): absent fields stay.
 *
 * @param unregisteredEventTypes {@code allow} or {@code reject}
 */
public record UpdateTenantSettingsRequest(
        @Pattern(regexp = "allow|reject", message = "must be allow or reject") @Schema(enumeration = {
                "allow",
                "reject" }, description = "What ingest does with an event whose type is not in the catalog") String unregisteredEventTypes,
        @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) implements LenientBody{

    @Override
    public Set<String> unknownFields() {
        return unknown == null ? Set.of() : unknown.keySet();
    }
}
