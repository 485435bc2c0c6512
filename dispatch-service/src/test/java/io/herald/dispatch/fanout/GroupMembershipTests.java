package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.herald.dispatch.GroupMembership;
import io.herald.dispatch.delivery.DeliveryProcessor;

class GroupMembershipTests {

    @Test
    void shouldBeReadyOnlyOnceTheFanOutAndDeliveryGroupsWereJoined() {
        GroupMembership membership = new GroupMembership();
        FanOutPositions fanOut = new FanOutPositions(null, membership, null);

        assertThat(membership.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        fanOut.onPartitionsAssigned(null, List.of());
        assertThat(membership.call().getStatus()).as("the fan-out group alone")
                .isEqualTo(HealthCheckResponse.Status.DOWN);
        membership.assigned(DeliveryProcessor.CHANNEL);
        assertThat(membership.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void shouldWaitForTheChannelsDispatchConsumes() {
        assertThat(GroupMembership.channels()).isEqualTo(Set.of(FanOut.CHANNEL, DeliveryProcessor.CHANNEL));
    }
}
