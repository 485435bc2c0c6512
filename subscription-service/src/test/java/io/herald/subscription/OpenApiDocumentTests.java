package io.herald.subscription;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.testing.ServiceTestResources;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenAPI document generated from the code must equal the one committed in contracts. After an intended API change,
 * regenerate it with
 * {@code ./mvnw -B -pl subscription-service test -Dtest=OpenApiDocumentTests -Dherald.openapi.write=true} and commit
 * {@value #COMMITTED}.
 */
@QuarkusTest
@ServiceTestResources
class OpenApiDocumentTests {

    static final String COMMITTED = "contracts/src/main/resources/openapi/subscriptions-v1.yaml";

    @Test
    void shouldMatchTheDocumentCommittedInContracts() throws Exception {
        String generated = given().queryParam("format", "yaml").get("/q/openapi").then().statusCode(200).extract()
                .asString();
        // Surefire runs in the module directory; the document lives in the sibling contracts module.
        Path committed = Path.of("..").resolve(COMMITTED).normalize();

        if (Boolean.getBoolean("herald.openapi.write")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, generated, StandardCharsets.UTF_8);
        }

        assertThat(Files.exists(committed)).as(COMMITTED + " exists").isTrue();
        assertThat(generated).as("the API changed: regenerate " + COMMITTED + " (see this test's javadoc)")
                .isEqualTo(Files.readString(committed, StandardCharsets.UTF_8));
        assertThat(generated).contains("/v1/endpoints/{id}/rotate-secret");
    }

    /**
     * What the generated client and the CLI rely on: every operation is named, tagged with a declared tag and says
     * which bearer scope it needs.
     */
    @Test
    void shouldNameTagAndSecureEveryOperation() throws Exception {
        JsonNode document = new ObjectMapper().readTree(
                given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString());
        Set<String> declaredTags = new HashSet<>();
        document.path("tags").forEach(tag -> declaredTags.add(tag.path("name").asText()));
        List<String> incomplete = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (!operation.getValue().has("responses")) {
                return; // path-level parameters, not an operation
            }
            JsonNode op = operation.getValue();
            String where = operation.getKey().toUpperCase() + " " + path.getKey();
            if (!op.hasNonNull("operationId") || !operationIds.add(op.get("operationId").asText())) {
                incomplete.add(where + ": no unique operationId");
            }
            if (op.path("tags").isEmpty() || !declaredTags.containsAll(texts(op.path("tags")))) {
                incomplete.add(where + ": tags " + op.path("tags") + " not among " + declaredTags);
            }
            if (op.path("security").isEmpty()) {
                incomplete.add(where + ": no security requirement");
            }
        }));
        assertThat(operationIds).hasSizeGreaterThan(20);
        assertThat(incomplete).isEmpty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
