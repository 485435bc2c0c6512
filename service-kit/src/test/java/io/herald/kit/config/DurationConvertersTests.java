package io.herald.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationConvertersTests {

    @Test
    void shouldReadWholeNumbersOfTheirUnit() {
        assertThat(new Milliseconds().convert("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(new Milliseconds().convert(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(new Seconds().convert("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(new Seconds().convert("")).isNull();
    }

    @Test
    void shouldRefuseAnythingButAWholeNumber() {
        // A unit in the value of a key that names its unit is a mistake, not a wish: refused at start-up.
        for (String bad : new String[] { "1s", "PT1S", "1.5", "ten" }) {
            assertThatThrownBy(() -> new Milliseconds().convert(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Seconds().convert(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
