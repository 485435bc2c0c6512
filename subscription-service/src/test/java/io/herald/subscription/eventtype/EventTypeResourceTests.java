package io.herald.subscription.eventtype;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.contracts.messages.TenantSettingsState;
import io.herald.kit.auth.Scopes;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@ServiceTestResources
class EventTypeResourceTests {

    static final Map<String, Object> ORDER_SCHEMA = Map.of("$schema", "https://json-schema.org/draft/2020-12/schema",
            "type", "object", "required", List.of("orderId", "amount"), "properties",
            Map.of("orderId", Map.of("type", "string"), "amount", Map.of("type", "integer", "minimum", 0)));

    @Test
    void shouldCreateReadPatchAndDeleteAnEventTypeAndPublishEveryChange() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "description", "An order was placed", "schema", ORDER_SCHEMA,
                        "examples", List.of(Map.of("orderId", "o1", "amount", 5))))
                .post("/v1/event-types").then().statusCode(201)
                .header("Location", containsString("/v1/event-types/order.created"))
                .body("name", equalTo("order.created")).body("schema.required", equalTo(List.of("orderId", "amount")))
                .body("examples[0].orderId", equalTo("o1")).body("deprecated", equalTo(false))
                .body("createdAt", notNullValue());
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ)).get("/v1/event-types/order.created")
                .then().statusCode(200).body("description", equalTo("An order was placed"))
                .body("schema.properties.amount.minimum", equalTo(0));

        given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/merge-patch+json")
                .body(Map.of("deprecated", true)).patch("/v1/event-types/order.created").then().statusCode(200)
                .body("deprecated", equalTo(true)).body("schema.type", equalTo("object"));

        String key = EventCatalogKeys.eventType(tenant, "order.created");
        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(Topics.EVENT_TYPES, key,
                found -> found.size() >= 2);
        EventTypeState created = Json.read(records.get(0).value(), EventTypeState.class);
        EventTypeState patched = Json.read(records.get(1).value(), EventTypeState.class);
        assertThat(created.tenant()).isEqualTo(tenant);
        assertThat(created.schema().get("required").toString()).isEqualTo("[\"orderId\",\"amount\"]");
        assertThat(patched.deprecated()).isTrue();
        assertThat(patched.version()).isEqualTo(created.version() + 1);

        given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/event-types/order.created").then().statusCode(204);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/event-types/order.created").then().statusCode(404);
        EndpointTopic.awaitRecords(Topics.EVENT_TYPES, key, found -> found.get(found.size() - 1).value() == null);
    }

    @Test
    void shouldRefuseASchemaThatIsNotJsonSchema2020With422NamingWhereItIsWrong() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "schema",
                        Map.of("type", "object", "properties", Map.of("amount", Map.of("type", "numbr")))))
                .post("/v1/event-types").then().statusCode(422).contentType("application/problem+json")
                .body("status", equalTo(422)).body("errors.field", hasItem("schema/properties/amount/type"));

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "schema", Map.of("$ref", "https://example.com/order.json")))
                .post("/v1/event-types").then().statusCode(422).body("errors[0].field", equalTo("schema"));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/event-types/order.created").then().statusCode(404);
    }

    @Test
    void shouldRefuseExamplesThatBreakTheSchemaAlsoAfterAPatchOfTheSchema() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "schema", ORDER_SCHEMA, "examples",
                        List.of(Map.of("orderId", "o1", "amount", -3))))
                .post("/v1/event-types").then().statusCode(422).body("errors[0].field", equalTo("examples/0/amount"));

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "examples", List.of(Map.of("orderId", 7))))
                .post("/v1/event-types").then().statusCode(201);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("schema", ORDER_SCHEMA)).patch("/v1/event-types/order.created").then().statusCode(422)
                .body("errors.field", hasItem("examples/0/orderId"));
    }

    @Test
    void shouldRefuseBadNamesDuplicatesAndUnknownFields() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("name", "order"))
                .post("/v1/event-types").then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "herald.endpoint.disabled")).post("/v1/event-types").then().statusCode(400);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("name", "order.paid", "shema", Map.of())).post("/v1/event-types").then().statusCode(422)
                .body("errors[0].field", equalTo("shema"));

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("name", "order.paid"))
                .post("/v1/event-types").then().statusCode(201).body("schema", nullValue());
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("name", "order.paid"))
                .post("/v1/event-types").then().statusCode(409).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("deprecatd", true))
                .patch("/v1/event-types/order.paid").then().statusCode(422);
    }

    @Test
    void shouldKeepEachTenantsCatalogToItself() {
        String owner = newTenant();
        String other = newTenant();
        given().auth().oauth2(TestTokens.admin(owner)).contentType(ContentType.JSON)
                .body(Map.of("name", "invoice.paid", "schema", ORDER_SCHEMA)).post("/v1/event-types").then()
                .statusCode(201);

        given().auth().oauth2(TestTokens.admin(other)).get("/v1/event-types/invoice.paid").then().statusCode(404);
        given().auth().oauth2(TestTokens.admin(other)).contentType(ContentType.JSON).body(Map.of("deprecated", true))
                .patch("/v1/event-types/invoice.paid").then().statusCode(404);
        given().auth().oauth2(TestTokens.admin(other)).delete("/v1/event-types/invoice.paid").then().statusCode(404);
        given().auth().oauth2(TestTokens.admin(other)).get("/v1/event-types").then().statusCode(200).body("data.size()",
                equalTo(0));
        // The other tenant may register the same name with its own schema.
        given().auth().oauth2(TestTokens.admin(other)).contentType(ContentType.JSON)
                .body(Map.of("name", "invoice.paid")).post("/v1/event-types").then().statusCode(201);
        given().auth().oauth2(TestTokens.admin(owner)).get("/v1/event-types/invoice.paid").then().statusCode(200)
                .body("schema.type", equalTo("object"));
    }

    @Test
    void shouldNeedTheEventTypesWriteScopeToChangeTheCatalog() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE, Scopes.ENDPOINTS_READ))
                .contentType(ContentType.JSON).body(Map.of("name", "order.created")).post("/v1/event-types").then()
                .statusCode(403);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get("/v1/event-types").then()
                .statusCode(403);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ)).get("/v1/event-types").then()
                .statusCode(200);
    }

    @Test
    void shouldPageThroughTheCatalogInNameOrder() {
        String tenant = newTenant();
        List<String> names = List.of("a.one", "b.two", "c.three", "d.four", "e.five");
        for (String name : names) {
            given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(Map.of("name", name))
                    .post("/v1/event-types").then().statusCode(201);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/v1/event-types").then().statusCode(200).extract();
            seen.addAll(page.path("data.name"));
            cursor = page.path("nextCursor");
            assertThat((String) page.path("next")).isEqualTo(cursor);
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(names);
    }

    @Test
    void shouldKeepThePolicyForUnregisteredTypesAsATenantSettingAndPublishIt() {
        String tenant = newTenant();
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/settings").then().statusCode(200)
                .body("unregisteredEventTypes", equalTo("allow")).body("updatedAt", nullValue());

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("unregisteredEventTypes", "deny")).patch("/v1/settings").then().statusCode(400)
                .body("errors[0].field", equalTo("unregisteredEventTypes"));
        Map<String, Object> typo = new LinkedHashMap<>();
        typo.put("unregisteredEventType", "reject");
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(typo).patch("/v1/settings")
                .then().statusCode(422);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE)).contentType(ContentType.JSON)
                .body(Map.of("unregisteredEventTypes", "reject")).patch("/v1/settings").then().statusCode(403);

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("unregisteredEventTypes", "reject")).patch("/v1/settings").then().statusCode(200)
                .body("unregisteredEventTypes", equalTo("reject")).body("updatedAt", notNullValue());
        given().auth().oauth2(TestTokens.admin(newTenant())).get("/v1/settings").then().body("unregisteredEventTypes",
                equalTo("allow"));

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(Topics.EVENT_TYPES,
                EventCatalogKeys.settings(tenant), found -> !found.isEmpty());
        TenantSettingsState state = Json.read(records.get(0).value(), TenantSettingsState.class);
        assertThat(state.rejectsUnregistered()).isTrue();
        assertThat(state.tenant()).isEqualTo(tenant);
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }
}
