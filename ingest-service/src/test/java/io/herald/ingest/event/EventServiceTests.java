package io.herald.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.IngestConfig;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.ProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** The publish contract without a broker: what the emitter's acknowledgement (or its absence) turns into. */
class EventServiceTests {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Caller CALLER = new Caller("acme", java.util.Set.of(Scopes.EVENTS_WRITE));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldCompleteOnlyWhenTheBrokerAcknowledges() {
        FakeEmitter emitter = new FakeEmitter(() -> Uni.createFrom().voidItem());
        EventService service = service(emitter, 1000);
        EventMessage event = service.toEvent(CALLER,
                "{\"type\":\"order.created\",\"data\":{\"a\":1},\"id\":\"e1\"," + "\"orderingKey\":\"k1\"}");

        assertThat(service.publish(event).await().atMost(Duration.ofSeconds(5))).isSameAs(event);

        Message<String> sent = emitter.sent.get(0);
        assertThat(sent.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey()).isEqualTo("k1");
        assertThat(Json.read(sent.getPayload(), EventMessage.class)).isEqualTo(event);
        assertThat(registry.counter("herald.ingest.events", "outcome", "accepted").count()).isEqualTo(1);
    }

    @Test
    void shouldAnswer503WhenTheBrokerRefusesTheRecord() {
        EventService service = service(new FakeEmitter(() -> Uni.createFrom()
                .failure(new IllegalStateException("Topic herald.events not present in metadata after 2000 ms"))),
                1000);

        assertUnavailable(service);
    }

    @Test
    void shouldAnswer503WhenTheEmitterBufferIsFull() {
        EventService service = service(new FakeEmitter(() -> {
            throw new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
        }), 1000);

        assertUnavailable(service);
    }

    @Test
    void shouldAnswer503OnceThePublishBudgetIsSpentWithoutAcknowledgement() {
        EventService service = service(new FakeEmitter(() -> Uni.createFrom().nothing()), 200);
        long start = System.nanoTime();

        assertUnavailable(service);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150),
                Duration.ofSeconds(3));
    }

    @Test
    void shouldStampTheTenantAndTimesAndGenerateAnId() {
        EventService service = service(new FakeEmitter(() -> Uni.createFrom().voidItem()), 1000);

        EventMessage event = service.toEvent(CALLER, "{\"type\":\"order.created\",\"data\":{}}");

        assertThat(event.id()).startsWith(EventIds.PREFIX);
        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(event.receivedAt()).isEqualTo(NOW);
        assertThat(event.occurredAt()).isEqualTo(NOW);
        assertThat(event.kafkaKey()).isEqualTo(event.id());
    }

    @Test
    void shouldRefuseAnInvalidEventWithEveryFieldNamed() {
        EventService service = service(new FakeEmitter(() -> Uni.createFrom().voidItem()), 1000);

        assertThatThrownBy(() -> service.toEvent(CALLER, "{\"type\":\"herald.x\"}"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(400);
                    assertThat(e.problem().errors()).extracting(f -> f.field()).containsExactly("type", "data");
                });
    }

    private void assertUnavailable(EventService service) {
        EventMessage event = service.toEvent(CALLER, "{\"type\":\"order.created\",\"data\":{}}");
        assertThatThrownBy(() -> service.publish(event).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(503);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                });
        assertThat(registry.counter("herald.ingest.events", "outcome", "unavailable").count()).isEqualTo(1);
        assertThat(registry.counter("herald.ingest.events", "outcome", "accepted").count()).isZero();
    }

    private EventService service(FakeEmitter emitter, long publishTimeoutMs) {
        IngestConfig config = new IngestConfig() {
            @Override
            public long publishTimeoutMs() {
                return publishTimeoutMs;
            }

            @Override
            public long retryAfterSeconds() {
                return 7;
            }
        };
        return new EventService(emitter, config, Clock.fixed(NOW, ZoneOffset.UTC), registry);
    }

    /** Answers every send with the Uni the test chose, standing for the broker's acknowledgement. */
    private static final class FakeEmitter implements MutinyEmitter<String> {

        private final Supplier<Uni<Void>> acknowledgement;
        private final List<Message<String>> sent = new ArrayList<>();

        FakeEmitter(Supplier<Uni<Void>> acknowledgement) {
            this.acknowledgement = acknowledgement;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <M extends Message<? extends String>> Uni<Void> sendMessage(M msg) {
            sent.add((Message<String>) msg);
            return acknowledgement.get();
        }

        @Override
        public Uni<Void> send(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendAndAwait(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cancellable sendAndForget(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends String>> void send(M msg) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends String>> void sendMessageAndAwait(M msg) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends String>> Cancellable sendMessageAndForget(M msg) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
