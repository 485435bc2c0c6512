package io.herald.subscription.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.SealedValueException;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.outbox.OutboxRelay;
import io.herald.subscription.outbox.OutboxRepository;
import io.herald.subscription.secret.SecretCipher;
import io.herald.subscription.secret.SecretsConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Endpoint use cases. Every method takes the caller's tenant and touches nothing else; every change is written together
 * with its outbox row, in one transaction, and the relay is nudged after the commit.
 */
@ApplicationScoped
public class EndpointService {

    private static final Logger LOG = Logger.getLogger(EndpointService.class);

    /** Rotated-out secrets removed per sweep transaction. */
    static final int SWEEP_BATCH = 100;

    private final EndpointRepository endpoints;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final SecretCipher cipher;
    private final EndpointQuota quota;
    private final EndpointAuthRules authRules;
    private final Duration rotationGrace;
    private final Clock clock;
    private final MessageJson json;

    public EndpointService(EndpointRepository endpoints, OutboxRepository outbox, OutboxRelay relay,
            SecretCipher cipher, EndpointQuota quota, EndpointAuthRules authRules, SecretsConfig secrets, Clock clock,
            MessageJson json) {
        this.json = json;
        this.authRules = authRules;
        this.endpoints = endpoints;
        this.quota = quota;
        this.outbox = outbox;
        this.relay = relay;
        this.cipher = cipher;
        this.rotationGrace = secrets.rotationGrace();
        this.clock = clock;
    }

    /** A new endpoint and, this once, what its subscriber verifies with ({@code whsec_...} or {@code whpk_...}). */
    public record Created(Endpoint endpoint, String secret) {

        @Override
        public String toString() {
            return "Created[" + endpoint + ", secret=<redacted>]";
        }
    }

    /**
     * Registers an endpoint with a new key of its signing mode and queues its state for {@code herald.endpoints}; 409
     * past the tenant's endpoint quota, 422 past the size of one endpoint ({@link EndpointQuota}).
     */
    public Uni<Created> create(String tenant, CreateEndpointRequest request) {
        return create(tenant, request, authRules.resolve(request.auth(), null));
    }

    /** As {@link #create(String, CreateEndpointRequest)}, with the request's credentials already checked. */
    public Uni<Created> create(String tenant, CreateEndpointRequest request, EndpointAuth auth) {
        Instant now = now();
        String id = EndpointIds.next(clock);
        SigningMode mode = SigningMode.of(request.signingMode());
        WebhookSecret key = mode.newKey();
        Endpoint endpoint = Endpoint.create(id, tenant, request.url(), request.description(),
                List.copyOf(new LinkedHashSet<>(request.eventTypes())), request.enabledOrDefault(), mode,
                cipher.encrypt(key.encoded(), id), now);
        endpoint.headers(request.headers() == null ? null : new LinkedHashMap<>(request.headers()), cipher);
        endpoint.rateLimitPerSecond = request.rateLimitPerSecond();
        endpoint.retryScheduleMs = request.retryScheduleMs();
        endpoint.filter = request.filter();
        endpoint.sendTraceparent = Boolean.TRUE.equals(request.sendTraceparent());
        endpoint.ordered = Boolean.TRUE.equals(request.ordered());
        endpoint.auth(auth, cipher);
        endpoint.secretHeaders = authRules.checkTogether(request.headers(), request.secretHeaders(), auth);
        quota.checkSize(endpoint, now);
        // Flush before the outbox insert: the state carries the version the flush assigned.
        return Panache
                .withTransaction(() -> quota.reserve(endpoints, tenant).chain(() -> endpoints.persistAndFlush(endpoint))
                        .chain(saved -> publish(saved, now)))
                .call(relay::relayed).replaceWith(new Created(endpoint, key.verificationKey().encoded()));
    }

    /**
     * Applies a merge patch; a patch that changes nothing writes nothing and publishes nothing. A new
     * {@code signingMode} gives the endpoint a new key of that mode, and the old key keeps signing beside it for the
     * rotation grace period (like {@link #rotateSecret}), so a subscriber still verifying the old way loses nothing
     * while it fetches the new key from {@code GET /v1/endpoints/{id}/secret}.
     */
    public Uni<Endpoint> update(String tenant, String id, UpdateEndpointRequest patch) {
        return change(tenant, id, endpoint -> {
            if (patch.has("signingMode") && !patch.getSigningMode().equals(endpoint.signingMode)) {
                SigningMode mode = SigningMode.of(patch.getSigningMode());
                endpoint.replaceSecret(mode, cipher.encrypt(mode.newKey().encoded(), endpoint.id),
                        now().plus(rotationGrace));
            }
            if (patch.has("url")) {
                endpoint.url = patch.getUrl();
            }
            if (patch.has("description")) {
                endpoint.description = patch.getDescription();
            }
            if (patch.has("eventTypes")) {
                endpoint.eventTypes = List.copyOf(new LinkedHashSet<>(patch.getEventTypes()));
            }
            if (patch.has("enabled")) {
                endpoint.enabled = patch.getEnabled();
            }
            if (patch.has("headers")) {
                // A masked value of a secret header, sent back as read, keeps the stored value.
                endpoint.headers(authRules.unmaskedHeaders(
                        patch.getHeaders() == null ? null : new LinkedHashMap<>(patch.getHeaders()),
                        endpoint.headers(cipher), endpoint.secretHeaders), cipher);
            }
            if (patch.has("ordered")) {
                endpoint.ordered = patch.getOrdered();
            }
            if (patch.has("auth")) {
                endpoint.auth(authRules.resolve(patch.getAuth(), endpoint.auth(cipher)), cipher);
            }
            Map<String, String> headers = endpoint.headers(cipher);
            // Unless the patch names them anew, headers it removed stop being secret, the others stay so.
            List<String> secret = patch.has("secretHeaders") ? patch.getSecretHeaders()
                    : endpoint.secretHeaders == null || headers == null ? null
                            : endpoint.secretHeaders.stream()
                                    .filter(name -> headers.keySet().stream().anyMatch(name::equalsIgnoreCase))
                                    .toList();
            endpoint.secretHeaders = authRules.checkTogether(headers, secret, endpoint.auth(cipher));
            if (patch.has("rateLimitPerSecond")) {
                endpoint.rateLimitPerSecond = patch.getRateLimitPerSecond();
            }
            if (patch.has("filter")) {
                endpoint.filter = patch.getFilter();
            }
            if (patch.has("sendTraceparent")) {
                endpoint.sendTraceparent = Boolean.TRUE.equals(patch.getSendTraceparent());
            }
            if (patch.has("retryScheduleMs")) {
                endpoint.retryScheduleMs = patch.getRetryScheduleMs() == null ? null
                        : List.copyOf(patch.getRetryScheduleMs());
            }
        });
    }

    /** Deletes the endpoint and queues the tombstone (a null value) that removes it from {@code herald.endpoints}. */
    public Uni<Void> delete(String tenant, String id) {
        return Panache
                .withTransaction(() -> locked(tenant, id).chain(endpoint -> endpoints.delete(endpoint))
                        .chain(() -> endpoints.flush()).chain(() -> outbox.append(id, null, now())))
                .call(relay::relayed).replaceWithVoid();
    }

    /**
     * What the subscriber verifies with from now on ({@code whsec_...} or {@code whpk_...}) and until when the previous
     * key keeps signing.
     */
    public record Rotation(String secret, Instant previousSecretExpiresAt) {

        @Override
        public String toString() {
            return "Rotation[secret=<redacted>, previousSecretExpiresAt=" + previousSecretExpiresAt + "]";
        }
    }

    /**
     * Gives the endpoint a new key of its signing mode; the current one keeps signing until the grace period ends. A
     * key already in its grace period is dropped: at most two keys sign at once.
     */
    public Uni<Rotation> rotateSecret(String tenant, String id) {
        Instant[] expiry = new Instant[1];
        String[] verificationKey = new String[1];
        return Panache.withTransaction(() -> locked(tenant, id).chain(endpoint -> {
            Instant now = now();
            expiry[0] = now.plus(rotationGrace);
            SigningMode mode = SigningMode.of(endpoint.signingMode);
            WebhookSecret fresh = mode.newKey();
            verificationKey[0] = fresh.verificationKey().encoded();
            endpoint.replaceSecret(mode, cipher.encrypt(fresh.encoded(), id), expiry[0]);
            endpoint.updatedAt = now;
            return endpoints.flush().chain(() -> publish(endpoint, now));
        })).call(relay::relayed).map(ignored -> new Rotation(verificationKey[0], expiry[0]));
    }

    /**
     * Disables an endpoint dispatch gave up on (operational event {@code herald.endpoint.disabled}). Nothing happens
     * when it is gone, already disabled, or was changed by its tenant after {@code disabledAt} (a tenant who re-enabled
     * it has the last word, also when the event is consumed again). Answers whether it was disabled now.
     */
    public Uni<Boolean> disable(String tenant, String id, Instant disabledAt) {
        return Panache.withTransaction(() -> endpoints.lockForTenant(tenant, id).chain(endpoint -> {
            if (endpoint == null || !endpoint.enabled
                    || (disabledAt != null && endpoint.updatedAt.isAfter(disabledAt))) {
                return Uni.createFrom().item(false);
            }
            Instant now = now();
            endpoint.enabled = false;
            endpoint.updatedAt = now;
            return endpoints.flush().chain(() -> publish(endpoint, now)).replaceWith(true);
        })).invoke(disabled -> {
            if (disabled) {
                relay.trigger();
            }
        });
    }

    /**
     * Removes rotated-out secrets whose grace period is over and publishes those endpoints again with the new secret
     * only. Answers how many endpoints changed (a full batch means there may be more).
     */
    public Uni<Integer> dropExpiredSecrets() {
        Instant now = now();
        return Panache.withTransaction(() -> endpoints.lockExpiredRotations(now, SWEEP_BATCH).chain(expired -> {
            if (expired.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            for (Endpoint endpoint : expired) {
                endpoint.previousSecret = null;
                endpoint.previousSecretExpiresAt = null;
                endpoint.updatedAt = now;
            }
            Uni<Void> appended = endpoints.flush();
            for (Endpoint endpoint : expired) {
                appended = appended.chain(() -> publish(endpoint, now)).replaceWithVoid();
            }
            return appended.replaceWith(expired.size());
        })).invoke(count -> {
            if (count > 0) {
                relay.trigger();
            }
        });
    }

    /** What one batch of the re-encryption job did; {@code lastId} is where the next batch starts. */
    public record ResealBatch(int examined, int moved, int refused, String lastId) {
    }

    /**
     * Re-seals, with the keyring's newest key, up to {@code limit} endpoints after {@code afterId} whose secret columns
     * are under an older key or whose published state is of an older schema, and republishes their state. An endpoint
     * whose columns do not open with the keyring is left untouched and counted as refused.
     */
    public Uni<ResealBatch> resealBatch(String afterId, int limit) {
        Instant now = now();
        return Panache.withTransaction(() -> endpoints
                .lockUnsealed(cipher.keyring().sealingKeyId(), EndpointState.SCHEMA_VERSION, afterId, limit)
                .chain(batch -> {
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(new ResealBatch(0, 0, 0, afterId));
                    }
                    List<Endpoint> moved = new ArrayList<>(batch.size());
                    for (Endpoint endpoint : batch) {
                        try {
                            // Opening the whole state first proves every column opens before anything changes.
                            endpoint.toState(cipher, now);
                            endpoint.resealed(cipher);
                            endpoint.stateSchemaVersion = EndpointState.SCHEMA_VERSION;
                            moved.add(endpoint);
                        } catch (SealedValueException e) {
                            LOG.errorf("Endpoint %s cannot be re-sealed and stays as it is: %s", endpoint.id,
                                    e.getMessage());
                        }
                    }
                    Uni<Void> appended = endpoints.flush();
                    for (Endpoint endpoint : moved) {
                        appended = appended.chain(() -> publish(endpoint, now)).replaceWithVoid();
                    }
                    String lastId = batch.get(batch.size() - 1).id;
                    return appended.replaceWith(
                            new ResealBatch(batch.size(), moved.size(), batch.size() - moved.size(), lastId));
                })).invoke(result -> {
                    if (result.moved() > 0) {
                        relay.trigger();
                    }
                });
    }

    /** How many endpoints the re-encryption job has yet to move (after a full run: those it could not open). */
    public Uni<Long> countUnsealed() {
        return Panache.withSession(
                () -> endpoints.countUnsealed(cipher.keyring().sealingKeyId(), EndpointState.SCHEMA_VERSION));
    }

    /** The tenant's endpoint; 404 when it does not exist or belongs to another tenant (the two look the same). */
    public Uni<Endpoint> get(String tenant, String id) {
        return Panache.withSession(() -> endpoints.findForTenant(tenant, id)).onItem().ifNull()
                .failWith(() -> notFound(id));
    }

    /** What the subscriber verifies with: the current {@code whsec_} secret or {@code whpk_} public key. */
    public Uni<String> secret(String tenant, String id) {
        return get(tenant, id).map(endpoint -> endpoint.verificationKey(cipher));
    }

    /** Up to {@code limit} of the tenant's endpoints after {@code afterId} (null: the first page), in id order. */
    public Uni<List<Endpoint>> list(String tenant, String afterId, int limit) {
        return Panache.withSession(() -> endpoints.listForTenant(tenant, afterId, limit));
    }

    private Uni<Endpoint> change(String tenant, String id, Consumer<Endpoint> mutation) {
        boolean[] changed = new boolean[1];
        return Panache.withTransaction(() -> locked(tenant, id).chain(endpoint -> {
            Snapshot before = Snapshot.of(endpoint);
            mutation.accept(endpoint);
            if (before.equals(Snapshot.of(endpoint))) {
                return Uni.createFrom().item(endpoint);
            }
            changed[0] = true;
            Instant now = now();
            endpoint.updatedAt = now;
            quota.checkSize(endpoint, now);
            // The flush bumps the version that the published state carries.
            return endpoints.flush().chain(() -> publish(endpoint, now)).replaceWith(endpoint);
        })).call(() -> changed[0] ? relay.relayed() : Uni.createFrom().voidItem());
    }

    private Uni<Endpoint> locked(String tenant, String id) {
        return endpoints.lockForTenant(tenant, id).onItem().ifNull().failWith(() -> notFound(id));
    }

    private Uni<Endpoint> publish(Endpoint endpoint, Instant now) {
        return outbox.append(endpoint.id, json.write(endpoint.toState(cipher, now).sealed(cipher.keyring())), now)
                .replaceWith(endpoint);
    }

    private Instant now() {
        // PostgreSQL keeps microseconds: truncate so an answer equals what a later read returns.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("No endpoint with id '" + id + "'");
    }

    /** What a patch can change, to tell a no-op patch from a real one. */
    private record Snapshot(String url, String description, List<String> eventTypes, boolean enabled, String headers,
            String signingMode, Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter,
            boolean sendTraceparent, boolean ordered, String auth, List<String> secretHeaders) {

        static Snapshot of(Endpoint e) {
            return new Snapshot(e.url, e.description, List.copyOf(e.eventTypes), e.enabled, e.headersJson,
                    e.signingMode, e.rateLimitPerSecond,
                    e.retryScheduleMs == null ? null : List.copyOf(e.retryScheduleMs), e.filter, e.sendTraceparent,
                    e.ordered, e.authJson, e.secretHeaders == null ? null : List.copyOf(e.secretHeaders));
        }
    }
}
