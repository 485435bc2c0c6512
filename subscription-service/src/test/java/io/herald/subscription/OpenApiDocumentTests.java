package io.herald.subscription;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.herald.testing.KafkaTestResource;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenAPI document generated from the code must equal the one committed in contracts. After an intended API change,
 * regenerate it with
 * {@code ./mvnw -B -pl subscription-service test -Dtest=OpenApiDocumentTests -Dherald.openapi.write=true} and commit
 * {@value #COMMITTED}.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestTokens.class, restrictToAnnotatedClass = false)
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
}
