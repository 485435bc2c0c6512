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
}
