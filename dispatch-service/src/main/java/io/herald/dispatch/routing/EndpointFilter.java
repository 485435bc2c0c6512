package io.herald.dispatch.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.herald.contracts.filter.EventFilter;
import io.herald.contracts.filter.InvalidEventFilterException;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies endpoints' payload filters ({@link EndpointState#filter()}, CEL) in fan-out, after the event-type match: an
 * event that does not pass gets no delivery, hence no attempt. An evaluation that fails (e.g. a field the event does
 * not have) counts as no match and is counted ({@code herald.fanout.filtered{outcome="error"}}), as is a filter this
 * instance cannot compile (subscription refuses those, so only a version skew produces one).
 * <p>
 * Compiled programs are cached by expression text (endpoints with the same filter share one; bounded, least recently
 * used out), and the event's variables are built once per event, only when some endpoint has a filter.
 */
@Singleton
public class EndpointFilter {

    private static final Logger LOG = Logger.getLogger(EndpointFilter.class);
    /** Distinct filter expressions kept compiled. */
    static final int CACHE_SIZE = 10_000;

    private final Cache<String, Optional<EventFilter>> programs = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Counter noMatch;
    private final Counter errors;

    public EndpointFilter(MeterRegistry registry) {
        this.noMatch = Counter.builder("herald.fanout.filtered").tag("outcome", "no_match")
                .description("Endpoints skipped in fan-out because the event did not pass their filter")
                .register(registry);
        this.errors = Counter.builder("herald.fanout.filtered").tag("outcome", "error")
                .description("Endpoints skipped in fan-out because their filter failed to evaluate (no match)")
                .register(registry);
    }

    /**
     * Loads and initialises CEL (its parser takes seconds the first time) at start, so that the first filtered event
     * does not stall the event loop that runs fan-out.
     */
    void warmUp(@Observes StartupEvent event) {
        compile("type == \"a.b\" && has(data.x) && occurredAt > timestamp(\"2020-01-01T00:00:00Z\")");
    }

    /** The endpoints of {@code matched} whose filter {@code event} passes (all of them when none has a filter). */
    public List<EndpointState> passing(EventMessage event, List<EndpointState> matched) {
        if (matched.stream().allMatch(endpoint -> endpoint.filter() == null)) {
            return matched;
        }
        Map<String, Object> variables = EventFilter.variables(event);
        List<EndpointState> passing = new ArrayList<>(matched.size());
        for (EndpointState endpoint : matched) {
            if (endpoint.filter() == null || passes(endpoint, event, variables)) {
                passing.add(endpoint);
            }
        }
        return passing;
    }

    private boolean passes(EndpointState endpoint, EventMessage event, Map<String, Object> variables) {
        Optional<EventFilter> filter = programs.get(endpoint.filter(), EndpointFilter::compile);
        if (filter.isEmpty()) {
            errors.increment();
            return false;
        }
        try {
            if (filter.get().matches(variables)) {
                return true;
            }
            noMatch.increment();
        } catch (EventFilter.EventFilterException e) {
            errors.increment();
            LOG.debugf("The filter of endpoint %s failed on event %s (no match): %s", endpoint.id(), event.id(),
                    e.getMessage());
        }
        return false;
    }

    private static Optional<EventFilter> compile(String expression) {
        try {
            return Optional.of(EventFilter.compile(expression));
        } catch (InvalidEventFilterException e) {
            LOG.warnf("An endpoint filter does not compile here; it matches nothing: %s", e.describe());
            return Optional.empty();
        }
    }
}
