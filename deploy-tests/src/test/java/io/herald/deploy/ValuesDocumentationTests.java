package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The values are the chart's interface: every value carries a {@code ## @param} line (Bitnami's convention), the schema
 * knows every documented value with a matching type, and README.md's table is generated from those lines. Regenerate
 * the table with {@code ./mvnw -B -pl deploy-tests verify -Dherald.update=true}.
 */
class ValuesDocumentationTests {

    private static final Pattern PARAM = Pattern.compile("^\\s*## @param (\\S+) (.+)$", Pattern.MULTILINE);
    private static final Pattern SECTION_OR_PARAM = Pattern.compile("^\\s*## @(section|param) (\\S+)(?: (.+))?$",
            Pattern.MULTILINE);
    private static final String START = "<!-- values-table:start -->";
    private static final String END = "<!-- values-table:end -->";

    private static final String VALUES_TEXT = Repo.read(Repo.CHART.resolve("values.yaml"));
    private static final JsonNode VALUES = Manifests.documents(VALUES_TEXT).get(0);

    @Test
    void shouldDocumentEveryValueWithAParamLine() {
        Map<String, String> params = params();
        List<String> undocumented = new ArrayList<>();
        for (String leaf : leaves(VALUES, "")) {
            if (!documented(leaf, params)) {
                undocumented.add(leaf);
            }
        }

        assertThat(undocumented).as("values without a ## @param line").isEmpty();
        assertThat(params).hasSizeGreaterThan(100);
    }

    @Test
    void shouldDocumentOnlyValuesThatExist() {
        List<String> missing = params().keySet().stream().filter(path -> at(VALUES, path).isMissingNode()).toList();

        assertThat(missing).as("## @param lines naming no value").isEmpty();
    }

    @Test
    void shouldDescribeEveryDocumentedValueInTheSchemaWithItsType() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Repo.CHART.resolve("values.schema.json").toFile());
        List<String> problems = new ArrayList<>();
        for (String path : params().keySet()) {
            JsonNode node = schema;
            for (String part : path.split("\\.")) {
                JsonNode properties = node.path("properties");
                if (properties.isMissingNode()) {
                    break; // a free-form object (labels, selectors...)
                }
                node = properties.path(part);
                if (node.isMissingNode()) {
                    problems.add(path + ": not in values.schema.json");
                    break;
                }
            }
            if (!node.isMissingNode() && !node.path("type").isMissingNode()) {
                String type = jsonType(at(VALUES, path));
                JsonNode allowed = node.path("type");
                boolean ok = allowed.isArray()
                        ? contains(allowed, type) || type.equals("integer") && contains(allowed, "number")
                        : allowed.asText().equals(type) || type.equals("integer") && allowed.asText().equals("number");
                if (!ok) {
                    problems.add(path + ": default is " + type + ", schema says " + allowed);
                }
            }
        }

        assertThat(problems).isEmpty();
        assertThat(schema.path("additionalProperties").asBoolean(true)).as("unknown top-level values rejected")
                .isFalse();
    }

    @Test
    void shouldShowEveryValueInTheReadmeTable() {
        String table = table();
        if (Boolean.getBoolean("herald.update")) {
            String readme = Repo.read(Repo.CHART.resolve("README.md"));
            Repo.write(Repo.CHART.resolve("README.md"), readme.substring(0, readme.indexOf(START) + START.length())
                    + "\n" + table + readme.substring(readme.indexOf(END)));
        }
        String readme = Repo.read(Repo.CHART.resolve("README.md"));

        assertThat(readme).contains(START, END);
        assertThat(readme.substring(readme.indexOf(START) + START.length() + 1, readme.indexOf(END)))
                .as("helm/herald/README.md's values table is stale: run "
                        + "./mvnw -B -pl deploy-tests verify -Dherald.update=true")
                .isEqualTo(table);
    }

    /** The README table: one section per {@code ## @section}, one row per {@code ## @param}. */
    static String table() {
        StringBuilder out = new StringBuilder();
        Matcher matcher = SECTION_OR_PARAM.matcher(VALUES_TEXT);
        while (matcher.find()) {
            if (matcher.group(1).equals("section")) {
                String title = matcher.group(2) + (matcher.group(3) == null ? "" : " " + matcher.group(3));
                out.append("\n### ").append(title).append("\n\n| Name | Description | Default |\n|---|---|---|\n");
            } else {
                String path = matcher.group(2);
                out.append("| `").append(path).append("` | ").append(matcher.group(3).replace("|", "\\|")).append(" | ")
                        .append(display(at(VALUES, path))).append(" |\n");
            }
        }
        return out.toString().stripLeading();
    }

    private static String display(JsonNode value) {
        String text = value.isTextual() ? (value.asText().isEmpty() ? "\"\"" : value.asText()) : value.toString();
        return "`" + text.replace("|", "\\|") + "`";
    }

    private static Map<String, String> params() {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = PARAM.matcher(VALUES_TEXT);
        while (matcher.find()) {
            assertThat(params.put(matcher.group(1), matcher.group(2))).as("duplicate @param " + matcher.group(1))
                    .isNull();
        }
        return params;
    }

    private static boolean documented(String path, Map<String, String> params) {
        for (String candidate = path; !candidate.isEmpty(); candidate = candidate.contains(".")
                ? candidate.substring(0, candidate.lastIndexOf('.'))
                : "") {
            if (params.containsKey(candidate)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> leaves(JsonNode node, String path) {
        List<String> leaves = new ArrayList<>();
        if (node.isObject() && !node.isEmpty()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                leaves.addAll(leaves(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey()));
            }
        } else {
            leaves.add(path);
        }
        return leaves;
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    private static String jsonType(JsonNode value) {
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isObject()) {
            return "object";
        }
        if (value.isNull()) {
            return "null";
        }
        return "string";
    }

    private static boolean contains(JsonNode array, String text) {
        for (JsonNode item : array) {
            if (item.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }
}
