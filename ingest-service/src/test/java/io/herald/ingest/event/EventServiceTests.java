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
import io.herald.ingest.TestConfig;
import io.herald.ingest.catalog.CatalogGuard;
import io.herald.ingest.catalog.EventCatalog;
import io.herald.ingest.tracing.EventTraceparent;
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
    void shouldRefuseAtOnceWhenMaxInFlightEventsAwaitTheirAcknowledgement() {
        FakeEmitter emitter = new FakeEmitter(() -> Uni.createFrom().nothing());
        EventService service = service(emitter, 10_000, 2);
        EventMessage event = service.toEvent(CALLER, "{\"type\":\"order.created\",\"data\":{}}");
        Cancellable first = service.publish(event).subscribe().with(e -> {
        }, f -> {
        });
        Cancellable second = service.publish(event).subscribe().with(e -> {
        }, f -> {
        });
        assertThat(service.inFlight()).isEqualTo(2);
        long start = System.nanoTime();

        assertThatThrownBy(() -> service.publish(event).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(503);
                    assertThat(e.problem().type()).isEqualTo("urn:herald:problem:overloaded");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused without waiting")
                .isLessThan(Duration.ofMillis(500));
        assertThat(emitter.sent).as("the third event never reached the producer").hasSize(2);
        assertThat(registry.counter("herald.ingest.rejected", "reason", "overloaded").count()).isEqualTo(1);

        first.cancel();
        second.cancel();
        assertThat(service.inFlight()).as("a finished wait gives its slot back").isZero();
    }

    @Test
    void shouldPublishTheValidItemsOfABatchAndReportTheInvalidOnes() {
        FakeEmitter emitter = new FakeEmitter(() -> Uni.createFrom().voidItem());
        EventService service = service(emitter, 1000);
        com.fasterxml.jackson.databind.JsonNode items = EventValidator.parseObject(
                "{\"events\":[{\"type\":\"order.created\",\"data\":{},\"id\":\"a\"},{\"type\":\"herald.x\",\"data\":{},"
                        + "\"id\":\"b\"},42,{\"type\":\"order.paid\",\"data\":{}}]}")
                .get("events");

        BatchResult result = service.publishBatch(service.prepareBatch(CALLER, items)).await()
                .atMost(Duration.ofSeconds(5));

        assertThat(result.results()).extracting(BatchResult.Item::index).containsExactly(0, 1, 2, 3);
        assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(202, 400, 400, 202);
        assertThat(result.results().get(0).id()).isEqualTo("a");
        assertThat(result.results().get(1).id()).isEqualTo("b");
        assertThat(result.results().get(1).errors()).extracting(f -> f.field()).containsExactly("type");
        assertThat(result.results().get(2).errors()).extracting(f -> f.message())
                .containsExactly("must be a JSON object");
        assertThat(result.accepted()).isEqualTo(2);
        assertThat(result.rejected()).isEqualTo(2);
        assertThat(emitter.sent).hasSize(2);
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
        assertThat(registry.counter("herald.ingest.rejected", "reason", "unavailable").count()).isEqualTo(1);
        assertThat(registry.counter("herald.ingest.events", "outcome", "accepted").count()).isZero();
    }

    private EventService service(FakeEmitter emitter, long publishTimeoutMs) {
        return service(emitter, publishTimeoutMs, 1000);
    }

    private EventService service(FakeEmitter emitter, long publishTimeoutMs, int maxInFlight) {
        return new EventService(emitter, TestConfig.ingest(publishTimeoutMs, 7, maxInFlight),
                Clock.fixed(NOW, ZoneOffset.UTC), registry, CatalogGuard.over(new EventCatalog(), registry),
                EventTraceparent.OFF, Json.standalone());
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
