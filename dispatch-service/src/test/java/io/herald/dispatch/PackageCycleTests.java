package io.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.herald.testing.PackageCycles;

/** Each package of the service depends on others one way only, so the tree reads from the stages down. */
class PackageCycleTests {

    @Test
    void shouldHaveNoPackageCycle() {
        assertThat(PackageCycles.in(Path.of("target/classes"), "io.herald.dispatch")).isEmpty();
    }

    @Test
    void shouldFindACycleWhereThereIsOne() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

        assertThat(PackageCycles.components(graph)).isEqualTo(List.of(Set.of("a", "b", "c")));
    }
}
