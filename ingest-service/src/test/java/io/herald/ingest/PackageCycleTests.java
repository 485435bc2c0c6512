package io.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.herald.testing.PackageCycles;

/** Each package of the service depends on others one way only, so the tree reads from the stages down. */
class PackageCycleTests {

    @Test
    void shouldHaveNoPackageCycle() {
        assertThat(PackageCycles.in(Path.of("target/classes"), "io.herald.ingest")).isEmpty();
    }
}
