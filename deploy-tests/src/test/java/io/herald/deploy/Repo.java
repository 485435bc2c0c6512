package io.herald.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository the checks read: the chart, k8s/, the services' sources. */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("herald.repo.dir", "..")).toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/herald");
    static final Path K8S = ROOT.resolve("k8s");
    static final Path TARGET = ROOT.resolve("deploy-tests/target");
    static final Path TEST_RESOURCES = ROOT.resolve("deploy-tests/src/test/resources");

    private Repo() {
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
