package io.herald.contracts.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventCatalogKeysTests {

    @Test
    void shouldParseBackTheTenantAndNameOfAnEventTypeKeyEvenWhenTheTenantHasSlashes() {
        EventCatalogKeys.Parsed parsed = EventCatalogKeys.parse(EventCatalogKeys.eventType("acme/eu", "order.created"));

        assertThat(parsed).isEqualTo(new EventCatalogKeys.Parsed("acme/eu", "order.created"));
        assertThat(parsed.isSettings()).isFalse();
    }

    @Test
    void shouldParseASettingsKeyAndRefuseForeignKeys() {
        assertThat(EventCatalogKeys.parse(EventCatalogKeys.settings("acme")))
                .isEqualTo(new EventCatalogKeys.Parsed("acme", null));
        assertThat(EventCatalogKeys.parse("ep_123")).isNull();
        assertThat(EventCatalogKeys.parse("event-type/x")).isNull();
        assertThat(EventCatalogKeys.parse(null)).isNull();
    }
}
