package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict parse every other check relies on does fail on what it must catch. */
class StrictParsingTests {

    @Test
    void shouldRejectAFieldTheModelDoesNotDefine() {
        String typo = Renders.DEFAULTS.yaml().replaceFirst("revisionHistoryLimit:", "revisionHistoryLimitz:");

        assertThatThrownBy(() -> Manifests.parseStrictly(typo)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("unknown field(s) revisionHistoryLimitz");
    }

    @Test
    void shouldRejectANestedFieldTheModelDoesNotDefine() {
        String typo = Renders.DEFAULTS.yaml().replaceFirst("readOnlyRootFilesystem:", "readOnlyRootFileSystem:");

        assertThatThrownBy(() -> Manifests.parseStrictly(typo)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("securityContext: unknown field(s) readOnlyRootFileSystem");
    }

    @Test
    void shouldRejectAValueOfTheWrongType() {
        String wrong = Renders.DEFAULTS.yaml().replaceFirst("revisionHistoryLimit: 5", "revisionHistoryLimit: five");

        assertThatThrownBy(() -> Manifests.parseStrictly(wrong)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("revisionHistoryLimit");
    }

    @Test
    void shouldRejectAKindNoModelKnows() {
        String unknown = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";

        assertThatThrownBy(() -> Manifests.parseStrictly(unknown)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Widget/w");
    }

    @Test
    void shouldRejectAMisspeltStrimziField() {
        String typo = Repo.read(Repo.K8S.resolve("kafka/topics.yaml")).replaceFirst("partitions:", "partitionz:");

        assertThatThrownBy(() -> Manifests.parseStrictly(typo)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("partitionz");
    }
}
