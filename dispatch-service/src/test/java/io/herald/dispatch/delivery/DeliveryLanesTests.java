package io.herald.dispatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

class DeliveryLanesTests {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void shouldRunEachEndpointOnOneEventLoopAndSpreadEndpointsOverAll() {
        DeliveryLanes lanes = new DeliveryLanes(vertx);
        assertThat(lanes.count()).isEqualTo(4);
        Map<String, String> threadOf = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 64; i++) {
                String endpoint = "ep_" + i;
                String thread = lanes.on(endpoint, () -> Uni.createFrom().item(DeliveryLanesTests::whereAmI)).await()
                        .atMost(Duration.ofSeconds(5));
                assertThat(thread).startsWith("vert.x-eventloop-thread-");
                assertThat(threadOf.computeIfAbsent(endpoint, e -> thread)).as(endpoint).isEqualTo(thread);
            }
        }
        assertThat(threadOf.values()).hasSameElementsAs(java.util.List.of("vert.x-eventloop-thread-0",
                "vert.x-eventloop-thread-1", "vert.x-eventloop-thread-2", "vert.x-eventloop-thread-3"));
    }

    @Test
    void shouldRunTheWorkOnItsLaneEvenWhenCalledFromAnotherEventLoop() {
        DeliveryLanes lanes = new DeliveryLanes(vertx);
        Context lane = lanes.laneOf("ep_1");
        Context other = lanes.laneOf(java.util.stream.IntStream.range(0, 64).mapToObj(i -> "ep_" + i)
                .filter(e -> lanes.laneOf(e) != lane).findFirst().orElseThrow());
        Uni<Context> ranOn = Uni.createFrom()
                .<Context> emitter(emitter -> other
                        .runOnContext(ignored -> lanes.on("ep_1", () -> Uni.createFrom().item(Vertx::currentContext))
                                .subscribe().with(emitter::complete, emitter::fail)));
        assertThat(ranOn.await().atMost(Duration.ofSeconds(5))).isSameAs(lane);
    }

    private static String whereAmI() {
        assertThat(Context.isOnEventLoopThread()).isTrue();
        return Thread.currentThread().getName();
    }
}
