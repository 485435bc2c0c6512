package io.herald.dispatch.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;

class RoutingTableTests {

    private final RoutingTable table = new RoutingTable();

    @Test
    void shouldMatchExactPrefixAndCatchAllSubscriptions() {
        table.apply("exact", state("exact", "acme", List.of("order.created"), true, 1));
        table.apply("prefix", state("prefix", "acme", List.of("order.*"), true, 1));
        table.apply("all", state("all", "acme", List.of("*"), true, 1));
        table.apply("other", state("other", "acme", List.of("invoice.paid", "customer.*"), true, 1));

        assertThat(ids(table.matching("acme", "order.created"))).containsExactlyInAnyOrder("exact", "prefix", "all");
        assertThat(ids(table.matching("acme", "order.item.added"))).containsExactlyInAnyOrder("prefix", "all");
        assertThat(ids(table.matching("acme", "orders.created"))).containsExactlyInAnyOrder("all");
        assertThat(ids(table.matching("acme", "customer.deleted"))).containsExactlyInAnyOrder("other", "all");
    }

    @Test
    void shouldMatchByTheNewSubscriptionOnlyAfterAnUpdateOrAMoveToAnotherTenant() {
        table.apply("e", state("e", "acme", List.of("order.*", "invoice.paid"), true, 1));
        table.apply("e", state("e", "acme", List.of("customer.created"), true, 2));

        assertThat(table.matching("acme", "order.created")).isEmpty();
        assertThat(table.matching("acme", "invoice.paid")).isEmpty();
        assertThat(ids(table.matching("acme", "customer.created"))).containsExactly("e");

        table.apply("e", state("e", "globex", List.of("customer.created"), true, 3));
        assertThat(table.matching("acme", "customer.created")).isEmpty();
        assertThat(ids(table.matching("globex", "customer.created"))).containsExactly("e");

        table.apply("e", null);
        assertThat(table.matching("globex", "customer.created")).isEmpty();
    }

    @Test
    void shouldMatchAnEndpointOnceWhateverNumberOfItsPatternsMatch() {
        table.apply("e", state("e", "acme", List.of("order.created", "order.*", "*"), true, 1));

        assertThat(ids(table.matching("acme", "order.created"))).containsExactly("e");
    }

    @Test
    void shouldFindTheFewMatchingEndpointsAmongManyOthers() {
        for (int i = 0; i < 20_000; i++) {
            table.apply("n" + i, state("n" + i, "big", List.of("type" + i + ".happened"), true, 1));
        }
        table.apply("x", state("x", "big", List.of("order.*"), true, 1));

        assertThat(ids(table.matching("big", "order.created"))).containsExactly("x");
        assertThat(ids(table.matching("big", "type7.happened"))).containsExactly("n7");
    }

    @Test
    void shouldOnlyMatchEnabledEndpointsOfTheEventsTenant() {
        table.apply("mine", state("mine", "acme", List.of("order.*"), true, 1));
        table.apply("off", state("off", "acme", List.of("order.*"), false, 1));
        table.apply("theirs", state("theirs", "globex", List.of("order.*"), true, 1));

        assertThat(ids(table.matching("acme", "order.created"))).containsExactly("mine");
        assertThat(ids(table.matching("globex", "order.created"))).containsExactly("theirs");
        assertThat(table.matching("initech", "order.created")).isEmpty();
        assertThat(table.get("off")).isPresent();
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void shouldIgnoreAStateOlderThanTheOneHeld() {
        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 5));

        boolean changed = table.apply("ep", state("ep", "acme", List.of("invoice.*"), false, 4));

        assertThat(changed).isFalse();
        assertThat(table.get("ep")).get().extracting(EndpointState::version).isEqualTo(5L);
        assertThat(ids(table.matching("acme", "order.created"))).containsExactly("ep");
    }

    @Test
    void shouldReplaceAStateWithANewerOrEqualVersion() {
        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 5));

        table.apply("ep", state("ep", "acme", List.of("invoice.*"), true, 6));
        assertThat(table.matching("acme", "order.created")).isEmpty();
        assertThat(ids(table.matching("acme", "invoice.paid"))).containsExactly("ep");

        table.apply("ep", state("ep", "acme", List.of("invoice.*"), false, 6));
        assertThat(table.matching("acme", "invoice.paid")).isEmpty();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldRemoveAnEndpointOnItsTombstone() {
        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 3));
        table.apply("kept", state("kept", "acme", List.of("order.*"), true, 1));

        assertThat(table.apply("ep", null)).isTrue();

        assertThat(table.get("ep")).isEmpty();
        assertThat(ids(table.matching("acme", "order.created"))).containsExactly("kept");
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.apply("ep", null)).isFalse();
    }

    @Test
    void shouldAcceptAStateAfterATombstoneWhateverItsVersion() {
        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 7));
        table.apply("ep", null);

        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 1));

        assertThat(ids(table.matching("acme", "order.created"))).containsExactly("ep");
    }

    @Test
    void shouldMoveAnEndpointWhoseTenantChanged() {
        table.apply("ep", state("ep", "acme", List.of("order.*"), true, 1));

        table.apply("ep", state("ep", "globex", List.of("order.*"), true, 2));

        assertThat(table.matching("acme", "order.created")).isEmpty();
        assertThat(ids(table.matching("globex", "order.created"))).containsExactly("ep");
    }

    private static EndpointState state(String id, String tenant, List<String> types, boolean enabled, long version) {
        return EndpointState.of(id, tenant, "https://example.com/" + id, types, enabled,
                List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), version, Instant.now());
    }

    private static List<String> ids(List<EndpointState> endpoints) {
        return endpoints.stream().map(EndpointState::id).toList();
    }
}
