package io.herald.subscription.endpoint;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.egress.EgressPolicy;
import io.herald.contracts.egress.EgressUrl;
import io.herald.contracts.egress.EgressVerdict;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Refuses endpoint URLs whose host is, or resolves to, an address deliveries must never reach (loopback, private,
 * link-local, cloud metadata...), with the one egress policy dispatch also applies at connect time. Numeric hosts and
 * {@code localhost} are judged without DNS; a name is resolved on a worker thread, never on the event loop. The answer
 * names the category, never the resolved address.
 */
@ApplicationScoped
public class EndpointEgressGuard {

    private final EgressPolicy policy;

    public EndpointEgressGuard(EgressConfig config) {
        List<String> cidrs = new ArrayList<>(config.allowCidrs().orElse(List.of()));
        if (config.allowLoopback()) {
            cidrs.add("127.0.0.0/8");
            cidrs.add("::1/128");
        }
        this.policy = EgressPolicy.allowing(cidrs.toArray(String[]::new));
    }

    /** Completes when {@code url} may be registered; fails with 400 problem+json otherwise. */
    public Uni<Void> check(String url) {
        return check(url, "url");
    }

    /** As {@link #check(String)}, for a URL the request carries as {@code field} (e.g. an OAuth2 token URL). */
    public Uni<Void> check(String url, String field) {
        String host;
        try {
            host = EgressUrl.parse(url).host();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .failure(refused(field, "must be an absolute http or https URL with a valid host and port"));
        }
        if (!EgressPolicy.requiresLookup(host)) {
            return verdict(field, () -> policy.checkHost(host));
        }
        Context context = Vertx.currentContext();
        Uni<Void> resolved = verdict(field, () -> policy.checkHost(host))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        // Back onto the request's context: what follows uses its reactive database session.
        return context == null ? resolved : resolved.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    private interface Check {
        EgressVerdict run() throws UnknownHostException;
    }

    private static Uni<Void> verdict(String field, Check check) {
        return Uni.createFrom().deferred(() -> {
            try {
                EgressVerdict verdict = check.run();
                return verdict.allowed() ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(refused(field, "is refused: " + verdict.reason()));
            } catch (UnknownHostException e) {
                return Uni.createFrom().failure(refused(field, "is refused: its host does not resolve"));
            }
        });
    }

    private static ProblemException refused(String field, String message) {
        return ProblemException.invalid("The endpoint URL cannot receive webhooks",
                List.of(new FieldError(field, message)));
    }
}
