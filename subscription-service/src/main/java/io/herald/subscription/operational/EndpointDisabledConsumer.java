package io.herald.subscription.operational;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.EndpointDisabled;
import io.herald.subscription.endpoint.EndpointService;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Reads {@code herald.events} (own consumer group, channel {@value #CHANNEL}) for {@code herald.endpoint.disabled}:
 * dispatch gave up on an endpoint (410 Gone, or failing too long) and stopped delivering to it. The endpoint is then
 * disabled here through the normal update path, so the database, the API and {@code herald.endpoints} agree. Every
 * other event type is skipped at once.
 */
@ApplicationScoped
public class EndpointDisabledConsumer {

    public static final String CHANNEL = "operational-events";
    private static final Logger LOG = Logger.getLogger(EndpointDisabledConsumer.class);

    private final EndpointService endpoints;
    private final Vertx vertx;
    private final MessageJson json;

    public EndpointDisabledConsumer(EndpointService endpoints, Vertx vertx, MessageJson json) {
        this.json = json;
        this.endpoints = endpoints;
        this.vertx = vertx;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String value) {
        EventMessage event = read(value);
        if (event == null || !OperationalEvents.ENDPOINT_DISABLED.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        EndpointDisabled disabled;
        try {
            disabled = json.mapper().treeToValue(event.data(), EndpointDisabled.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warnf("Skipping %s event %s: its data is not an EndpointDisabled", event.type(), event.id());
            return Uni.createFrom().voidItem();
        }
        if (disabled == null || disabled.endpointId() == null) {
            return Uni.createFrom().voidItem();
        }
        return onSafeContext(() -> endpoints.disable(event.tenant(), disabled.endpointId(), disabled.disabledAt()))
                // A database hiccup must not lose the event: retry, then give up loudly (dispatch already stopped).
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(8)
                .invoke(changed -> {
                    if (changed) {
                        LOG.infof("Disabled endpoint %s of tenant %s: %s", disabled.endpointId(), event.tenant(),
                                disabled.reason());
                    }
                }).onFailure().recoverWithItem(failure -> {
                    LOG.errorf("Could not disable endpoint %s after retries: %s", disabled.endpointId(),
                            failure.toString());
                    return false;
                }).replaceWithVoid();
    }

    /** Hibernate Reactive needs a duplicated Vert.x context flagged safe, with a session of its own. */
    private Uni<Boolean> onSafeContext(Supplier<Uni<Boolean>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> Uni.createFrom().deferred(() -> work.get()).subscribe()
                    .with(emitter::complete, emitter::fail));
        });
    }

    private EventMessage read(String value) {
        if (value == null) {
            return null;
        }
        try {
            return json.read(value, EventMessage.class);
        } catch (IllegalArgumentException e) {
            // Not ours to judge: ingest validated it, dispatch reads it too. Nothing here to disable.
            return null;
        }
    }
}
