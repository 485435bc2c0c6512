package io.herald.ingest.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.herald.testing.ServiceTestResources;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenAPI document the service serves must be the one committed in contracts (what clients are generated from).
 * After an intended API change, regenerate it with
 * {@code ./mvnw -B -pl ingest-service verify -Dtest=OpenApiDriftTests -Dherald.openapi.write=true} and commit it.
 */
@QuarkusTest
@ServiceTestResources
class OpenApiDriftTests {

    static final Path COMMITTED = Path.of("..", "contracts", "src", "main", "resources", "openapi", "ingest-v1.yaml");

    @Test
    void shouldServeExactlyTheCommittedOpenApiDocument() throws IOException {
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString()
                .replace("\r\n", "\n").stripTrailing() + "\n";
        if (Boolean.getBoolean("herald.openapi.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
        }
        assertThat(COMMITTED).as("committed OpenAPI document; regenerate with -Dherald.openapi.write=true").exists();
        assertThat(served)
                .as("the served OpenAPI differs from " + COMMITTED.normalize()
                        + "; regenerate it with -Dherald.openapi.write=true and commit it")
                .isEqualTo(Files.readString(COMMITTED, StandardCharsets.UTF_8));
    }
}
