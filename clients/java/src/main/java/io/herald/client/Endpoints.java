package io.herald.client;

import java.util.ArrayList;
import java.util.List;

import io.herald.client.Calls.Safety;
import io.herald.client.generated.subscriptions.EndpointsApi;
import io.herald.client.generated.subscriptions.model.CreateEndpointRequest;
import io.herald.client.generated.subscriptions.model.CreatedEndpointResponse;
import io.herald.client.generated.subscriptions.model.EndpointListResponse;
import io.herald.client.generated.subscriptions.model.EndpointResponse;
import io.herald.client.generated.subscriptions.model.EndpointSecretResponse;
import io.herald.client.generated.subscriptions.model.RotatedSecretResponse;
import io.herald.client.generated.subscriptions.model.UpdateEndpointRequest;

/** The tenant's endpoints. Creating and rotating are not repeated after a request that got no answer. */
public final class Endpoints {

    private final EndpointsApi api;
    private final Calls calls;

    Endpoints(EndpointsApi api, Calls calls) {
        this.api = api;
        this.calls = calls;
    }

    /** Registers an endpoint for the event types (exact names or patterns such as {@code order.*}). */
    public CreatedEndpointResponse create(String url, List<String> eventTypes) {
        return create(new CreateEndpointRequest().url(url).eventTypes(new ArrayList<>(eventTypes)));
    }

    /** Registers an endpoint; the answer holds its signing secret. */
    public CreatedEndpointResponse create(CreateEndpointRequest request) {
        return calls.run("createEndpoint", Safety.ONCE, () -> api.createEndpoint(request));
    }

    /** One page of endpoints in id order ({@code cursor}: the previous page's {@code nextCursor}, or null). */
    public EndpointListResponse list(Integer limit, String cursor) {
        return calls.run("listEndpoints", Safety.REPEATABLE, () -> api.listEndpoints(cursor, limit));
    }

    /** Every endpoint of the tenant, page by page. */
    public List<EndpointResponse> listAll() {
        List<EndpointResponse> all = new ArrayList<>();
        String cursor = null;
        do {
            EndpointListResponse page = list(null, cursor);
            if (page.getData() != null) {
                all.addAll(page.getData());
            }
            cursor = page.getNextCursor();
        } while (cursor != null);
        return all;
    }

    public EndpointResponse get(String id) {
        return calls.run("getEndpoint", Safety.REPEATABLE, () -> api.getEndpoint(id));
    }

    /** Changes the fields set in {@code changes} (a JSON merge patch: unset fields stay as they are). */
    public EndpointResponse update(String id, UpdateEndpointRequest changes) {
        return calls.run("updateEndpoint", Safety.REPEATABLE, () -> api.updateEndpoint(id, changes));
    }

    public void delete(String id) {
        calls.run("deleteEndpoint", Safety.REPEATABLE, () -> {
            api.deleteEndpoint(id);
            return null;
        });
    }

    /** What the subscriber verifies signatures with: the {@code whsec_} secret or {@code whpk_} public key. */
    public EndpointSecretResponse secret(String id) {
        return calls.run("getEndpointSecret", Safety.REPEATABLE, () -> api.getEndpointSecret(id));
    }

    /** A new signing key; the previous one keeps signing beside it until {@code previousSecretExpiresAt}. */
    public RotatedSecretResponse rotateSecret(String id) {
        return calls.run("rotateEndpointSecret", Safety.ONCE, () -> api.rotateEndpointSecret(id));
    }
}
