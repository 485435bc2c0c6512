package io.herald.dispatch.operational;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.DeadLetterCreated;

class DeadLetterNoticesTests {

    private static final Duration WINDOW = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<Told> told = new CopyOnWriteArrayList<>();
    private final DeadLetterNotices notices = new DeadLetterNotices(
            (id, tenant, data, now) -> told.add(new Told(id, tenant, data)), Clock.systemUTC(), true, WINDOW);

    record Told(String id, String tenant, DeadLetterCreated data) {
    }

    @Test
    void shouldTellTheFirstDeadLetterAtOnceAndTheRestOfTheWindowInOneEvent() throws Exception {
        Instant start = Instant.now();
        for (int i = 0; i < 50; i++) {
            notices.created(deadLetter("ep_a", "evt_" + i, "order.created", start.plusMillis(i)));
        }

        assertThat(told).as("the first dead letter, told without waiting").singleElement().satisfies(t -> {
            assertThat(t.tenant()).isEqualTo("acme");
            assertThat(t.data().count()).isEqualTo(1);
            assertThat(t.data().eventId()).isEqualTo("evt_0");
            assertThat(t.data().reason()).isEqualTo("EXHAUSTED");
            assertThat(t.data().lastStatusCode()).isEqualTo(500);
        });
        await("the window's summary").atMost(TIMEOUT).until(() -> told.size() == 2);
        DeadLetterCreated summary = told.get(1).data();
        assertThat(summary.count()).isEqualTo(49);
        assertThat(summary.eventId()).as("the last dead letter of the window").isEqualTo("evt_49");
        assertThat(summary.firstDeadAt()).isEqualTo(start.plusMillis(1));
        assertThat(summary.lastDeadAt()).isEqualTo(start.plusMillis(49));
        assertThat(told.get(0).id()).isNotEqualTo(told.get(1).id());

        // A window that counted nothing closes for good: the next dead letter is told at once again.
        await("the quiet window is closed").atMost(TIMEOUT).until(() -> notices.openWindows() == 0);
        assertThat(told).hasSize(2);
        notices.created(deadLetter("ep_a", "evt_later", "order.created", Instant.now()));
        assertThat(told).hasSize(3);
        assertThat(told.get(2).data().count()).isEqualTo(1);
    }

    @Test
    void shouldCoalesceEachEndpointOnItsOwn() {
        notices.created(deadLetter("ep_a", "evt_1", "order.created", Instant.now()));
        notices.created(deadLetter("ep_b", "evt_2", "order.created", Instant.now()));

        assertThat(told).extracting(t -> t.data().endpointId()).containsExactly("ep_a", "ep_b");
    }

    @Test
    void shouldNeverTellOfAnOperationalEventsOwnDeadLetter() throws Exception {
        notices.created(deadLetter("ep_a", "evt_op", OperationalEvents.DEAD_LETTER_CREATED, Instant.now()));
        notices.created(deadLetter("ep_a", "evt_op2", OperationalEvents.ENDPOINT_FAILING, Instant.now()));
        Thread.sleep(WINDOW.toMillis() * 2);

        assertThat(told).isEmpty();
        assertThat(notices.openWindows()).isZero();
    }

    @Test
    void shouldTellNothingWhenOperationalEventsAreOff() {
        DeadLetterNotices off = new DeadLetterNotices((id, tenant, data, now) -> told.add(new Told(id, tenant, data)),
                Clock.systemUTC(), false, WINDOW);

        off.created(deadLetter("ep_a", "evt_1", "order.created", Instant.now()));

        assertThat(told).isEmpty();
    }

    private static DeadLetterMessage deadLetter(String endpointId, String eventId, String type, Instant at) {
        DeliveryMessage delivery = new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION,
                DeliveryMessage.deliveryId(eventId, endpointId), eventId, "acme", endpointId, eventId, type, "{}", 3,
                at, null);
        return new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, 500, "HTTP 500", at,
                DeadLetterReason.EXHAUSTED);
    }
}
