package io.herald.subscription.settings;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.subscription.RequestValidation;
import io.herald.subscription.outbox.OutboxRelay;
import io.herald.subscription.outbox.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/settings}: settings of the caller's tenant as a whole. Today one: {@code unregisteredEventTypes}, ingest's
 * policy for events whose type is not in the tenant's event-type catalog. They live here, beside the catalog, and
 * travel with it on {@code herald.event-types} (key {@code settings/<tenant>}), so ingest applies both from one
 * in-memory view. Reading needs {@code endpoints:read}, changing {@code event-types:write}.
 */
@Path("/v1/settings")
@Tag(name = "Settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
public class TenantSettingsResource {

    private final TenantSettingsRepository settings;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final CurrentCaller currentCaller;
    private final RequestValidation validation;
    private final Clock clock;
    private final MessageJson json;

    public TenantSettingsResource(TenantSettingsRepository settings, OutboxRepository outbox, OutboxRelay relay,
            CurrentCaller currentCaller, RequestValidation validation, Clock clock, MessageJson json) {
        this.json = json;
        this.settings = settings;
        this.outbox = outbox;
        this.relay = relay;
        this.currentCaller = currentCaller;
        this.validation = validation;
        this.clock = clock;
    }

    @GET
    @Operation(operationId = "getSettings", summary = "Get the tenant's settings")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<TenantSettingsResponse> get() {
        Caller caller = currentCaller.get();
        return Panache.withSession(() -> settings.findById(caller.tenant())).map(
                found -> TenantSettingsResponse.of(found != null ? found : TenantSettings.defaults(caller.tenant())));
    }

    /** Changes the given settings and publishes them to {@code herald.event-types}; absent fields stay. */
    @PATCH
    @Operation(operationId = "updateSettings", summary = "Update the tenant's settings (JSON merge patch)")
    @SecurityRequirement(name = "bearer", scopes = Scopes.EVENT_TYPES_WRITE)
    @APIResponse(responseCode = "200", description = "The settings as changed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantSettingsResponse.class)))
    @APIResponse(responseCode = "422", description = "An invalid value (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.EVENT_TYPES_WRITE)
    public Uni<TenantSettingsResponse> update(UpdateTenantSettingsRequest request) {
        Caller caller = currentCaller.get();
        RequestValidation.requireBody(request);
        RequestValidation.failIfAny(validation.violations(request));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> settings.lockOrCreate(caller.tenant(), now).chain(row -> {
            if (request.unregisteredEventTypes() != null) {
                row.unregisteredEventTypes = request.unregisteredEventTypes();
            }
            row.updatedAt = now;
            return settings.flush().chain(() -> outbox.append(EventCatalogKeys.settings(row.tenant),
                    json.write(row.toState()), now, Topics.EVENT_TYPES)).replaceWith(row);
        })).invoke(relay::trigger).map(TenantSettingsResponse::of);
    }
}
