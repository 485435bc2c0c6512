package io.herald.dispatch.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DeliveryBacklogTests {

    @Test
    void shouldBeBehindWhileTheRecordsTakenHadWaitedTooLong() {
        DeliveryBacklog backlog = new DeliveryBacklog(Duration.ofSeconds(1), Duration.ofHours(1));
        assertThat(backlog.behind()).as("nothing taken yet").isFalse();
        backlog.taken(Duration.ofMillis(999));
        assertThat(backlog.behind()).isFalse();
        backlog.taken(Duration.ofMillis(1_000));
        assertThat(backlog.behind()).isTrue();
        backlog.taken(Duration.ofMillis(20));
        assertThat(backlog.behind()).as("caught up").isFalse();
    }

    @Test
    void shouldNotStayBehindOnceNothingIsTakenAnyMore() throws InterruptedException {
        DeliveryBacklog backlog = new DeliveryBacklog(Duration.ofSeconds(1));
        backlog.taken(Duration.ofSeconds(30));
        assertThat(backlog.behind()).isTrue();

        Thread.sleep(DeliveryBacklog.QUIET.toMillis() + 50);

        assertThat(backlog.behind()).as("the last wait tells nothing now").isFalse();
    }
}
