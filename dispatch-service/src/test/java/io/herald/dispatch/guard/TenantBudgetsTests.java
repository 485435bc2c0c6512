package io.herald.dispatch.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantBudgetsTests {

    private final TenantBudgets budgets = new TenantBudgets(3, 1_000);

    @Test
    void shouldRefuseATenantPastItsCountWhileOthersStillGetRoom() {
        assertThat(budgets.tryEnter("noisy", 10)).isTrue();
        assertThat(budgets.tryEnter("noisy", 10)).isTrue();
        assertThat(budgets.tryEnter("noisy", 10)).isTrue();

        assertThat(budgets.tryEnter("noisy", 10)).isFalse();
        assertThat(budgets.tryEnter("quiet", 10)).isTrue();
        assertThat(budgets.inFlight("noisy")).isEqualTo(3);
    }

    @Test
    void shouldRefuseATenantPastItsBytesButAlwaysLetOneThrough() {
        assertThat(budgets.tryEnter("large", 5_000)).as("the first, however large").isTrue();
        assertThat(budgets.tryEnter("large", 1)).isFalse();

        budgets.leave("large", 5_000);
        assertThat(budgets.inFlight("large")).isZero();
        assertThat(budgets.tryEnter("large", 600)).isTrue();
        assertThat(budgets.tryEnter("large", 600)).isFalse();
        assertThat(budgets.tryEnter("large", 400)).isTrue();
    }

    @Test
    void shouldCountATenantAsSaturatedOnlyWhileItHoldsItsShareOrWasRefusedLately() {
        assertThat(budgets.saturated("noisy")).as("nothing in flight").isFalse();
        budgets.tryEnter("noisy", 10);
        budgets.tryEnter("noisy", 10);
        assertThat(budgets.saturated("noisy")).as("room left, never refused").isFalse();
        budgets.tryEnter("noisy", 10);
        assertThat(budgets.saturated("noisy")).as("its whole share").isTrue();

        budgets.leave("noisy", 10);
        budgets.tryEnter("noisy", 2_000);
        assertThat(budgets.saturated("noisy")).as("refused just now").isTrue();
        assertThat(budgets.saturated("quiet")).isFalse();

        budgets.leave("noisy", 10);
        budgets.leave("noisy", 10);
        assertThat(budgets.saturated("noisy")).as("nothing in flight any more").isFalse();
    }
}
