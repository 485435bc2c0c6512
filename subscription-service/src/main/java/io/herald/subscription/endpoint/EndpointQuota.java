package io.herald.subscription.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.MessageJson;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.SubscriptionConfig;
import io.herald.subscription.secret.SecretCipher;
import io.smallrye.mutiny.Uni;

/**
 * What one tenant may hold, so that no tenant can make every dispatch instance's memory, its readiness (it loads every
 * endpoint first) or the endpoint topic grow without bound: a number of endpoints per tenant
 * ({@code herald.subscription.endpoints.max-per-tenant}) and a size per endpoint
 * ({@code herald.subscription.endpoints.max-endpoint-bytes}), on top of each field's own limit (a PATCH can grow an
 * endpoint field by field past what one request body holds).
 */
@ApplicationScoped
public class EndpointQuota {

    /** First key of the per-tenant advisory lock that serialises creates ("HEQT"); the second is the tenant's hash. */
    static final int LOCK_CLASS = 0x4845_5154;
    /** Fields smaller than this are not named in a too-large answer: they are not what makes it too large. */
    private static final int NAMED_FIELD_BYTES = 256;
    /** Names of state fields as the API calls them, where they differ. */
    private static final Map<String, String> API_NAMES = Map.of("secrets", "signing keys (not settable)");

    private final int maxPerTenant;
    private final int maxEndpointBytes;
    private final SecretCipher cipher;
    private final MessageJson json;

    public EndpointQuota(SubscriptionConfig config, SecretCipher cipher, MessageJson json) {
        this.json = json;
        this.maxPerTenant = config.endpoints().maxPerTenant();
        this.maxEndpointBytes = config.endpoints().maxEndpointBytes();
        this.cipher = cipher;
    }

    /**
     * In the create's transaction: waits for the tenant's other creates (a transaction-scoped advisory lock, released
     * at commit), then fails with 409 if the tenant already has its quota of endpoints. Concurrent creates thus never
     * overshoot it.
     */
    public Uni<Void> reserve(EndpointRepository endpoints, String tenant) {
        return endpoints
                .getSession().chain(
                        session -> session
                                .createNativeQuery("select count(*) from (select pg_advisory_xact_lock(" + LOCK_CLASS
                                        + ", hashtext(?1))) locked", Long.class)
                                .setParameter(1, tenant).getSingleResult())
                .chain(() -> endpoints.count("tenant", tenant)).invoke(count -> {
                    if (count >= maxPerTenant) {
                        throw new ProblemException(409, "urn:herald:problem:endpoint-quota-exceeded",
                                "Endpoint quota reached",
                                "This tenant already has " + count + " endpoints, the most it may have (" + maxPerTenant
                                        + "); delete one or ask the operator to raise "
                                        + "herald.subscription.endpoints.max-per-tenant");
                    }
                }).replaceWithVoid();
    }

    /**
     * Fails with 422 naming the largest fields when the endpoint, as stored and published (its state on
     * {@code herald.endpoints} plus its description), takes more than the configured bytes.
     */
    public void checkSize(Endpoint endpoint, Instant now) {
        JsonNode state = json.mapper().valueToTree(endpoint.toState(cipher, now));
        List<Sized> fields = new ArrayList<>();
        int total = bytes(state.toString());
        if (endpoint.description != null) {
            int description = bytes(endpoint.description);
            total += description;
            fields.add(new Sized("description", description));
        }
        if (total <= maxEndpointBytes) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = state.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            fields.add(new Sized(API_NAMES.getOrDefault(field.getKey(), field.getKey()),
                    bytes(field.getValue().toString())));
        }
        List<FieldError> largest = fields.stream().filter(field -> field.bytes() >= NAMED_FIELD_BYTES)
                .sorted(Comparator.comparingInt(Sized::bytes).reversed())
                .map(field -> new FieldError(field.name(), "takes " + field.bytes() + " bytes")).toList();
        throw new ProblemException(new Problem("urn:herald:problem:endpoint-too-large", "Endpoint too large", 422,
                "The endpoint would take " + total + " bytes, more than the " + maxEndpointBytes
                        + " one endpoint may take; make the fields named here smaller",
                largest), null);
    }

    private record Sized(String name, int bytes) {
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
