package io.herald.contracts.filter;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;

import io.herald.contracts.messages.EventMessage;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * An endpoint's payload filter: a CEL expression over the event, e.g.
 * {@code type == "order.created" && data.amount > 1000}. The one definition of the filter language, used by
 * subscription-service to refuse a bad filter at registration and by dispatch-service to evaluate it in fan-out.
 * <p>
 * Variables: {@code type} (string), {@code data} (the event's JSON object: a map, numbers are int or double), and
 * {@code occurredAt} (timestamp). The result must be a bool. Bounds, so that one tenant's filter cannot stall fan-out:
 * at most {@link #MAX_LENGTH} characters, parse nesting {@link #MAX_NESTING}, at most {@link #MAX_COMPREHENSIONS}
 * comprehensions ({@code all}, {@code exists}, {@code map}, {@code filter}) of at most
 * {@link #MAX_ITERATIONS_PER_COMPREHENSION} iterations each, and regular expressions by RE2 (linear time) of a bounded
 * program size. Instances are immutable and thread-safe.
 */
public final class EventFilter {

    /** Longest expression accepted, in Unicode code points. */
    public static final int MAX_LENGTH = 1024;
    /** Deepest nesting of the parse tree. */
    public static final int MAX_NESTING = 32;
    /** Most comprehensions (macros that loop) in one expression. */
    public static final int MAX_COMPREHENSIONS = 2;
    /** Most iterations of one comprehension during one evaluation; past it the evaluation fails (no match). */
    public static final int MAX_ITERATIONS_PER_COMPREHENSION = 1000;

    private static final CelOptions OPTIONS = CelOptions.current().maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(MAX_NESTING).comprehensionMaxIterations(MAX_ITERATIONS_PER_COMPREHENSION)
            .enableHeterogeneousNumericComparisons(true).maxRegexProgramSize(256).build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS).addVar("type", SimpleType.STRING)
            .addVar("data", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("occurredAt", SimpleType.TIMESTAMP).setResultType(SimpleType.BOOL).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final String expression;
    private final CelRuntime.Program program;

    private EventFilter(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** Parses and type-checks {@code expression}; refuses it with the position of its first error. */
    public static EventFilter compile(String expression) throws InvalidEventFilterException {
        if (expression == null || expression.isBlank()) {
            throw new InvalidEventFilterException("must be a CEL expression", 0, 0);
        }
        if (expression.codePointCount(0, expression.length()) > MAX_LENGTH) {
            throw new InvalidEventFilterException("must be at most " + MAX_LENGTH + " characters", 0, 0);
        }
        CelValidationResult result = COMPILER.compile(expression);
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().isEmpty() ? null : e.getErrors().get(0);
            if (first == null) {
                throw new InvalidEventFilterException(e.getMessage(), 0, 0);
            }
            // CEL columns are 0-based; people count from 1.
            throw new InvalidEventFilterException(first.getMessage(), first.getSourceLocation().getLine(),
                    first.getSourceLocation().getColumn() + 1);
        } catch (RuntimeException e) {
            throw new InvalidEventFilterException("cannot be compiled: " + e.getMessage(), 0, 0);
        }
        long comprehensions = CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION).count();
        if (comprehensions > MAX_COMPREHENSIONS) {
            throw new InvalidEventFilterException(
                    "uses " + comprehensions + " comprehensions (all, exists, exists_one, map, filter); at most "
                            + MAX_COMPREHENSIONS + " are allowed",
                    0, 0);
        }
        try {
            return new EventFilter(expression, RUNTIME.createProgram(ast));
        } catch (CelEvaluationException e) {
            throw new InvalidEventFilterException("cannot be planned: " + e.getMessage(), 0, 0);
        }
    }

    public String expression() {
        return expression;
    }

    /** The variables of {@code event} as the filter sees them; build once per event, share across endpoints. */
    public static Map<String, Object> variables(EventMessage event) {
        Map<String, Object> variables = new HashMap<>(4);
        variables.put("type", event.type());
        variables.put("data", event.data() != null && event.data().isObject() ? toCel(event.data()) : Map.of());
        Instant at = event.occurredAt() != null ? event.occurredAt() : Instant.EPOCH;
        variables.put("occurredAt",
                Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());
        return variables;
    }

    /**
     * Whether the event with these {@link #variables} passes.
     *
     * @throws EventFilterException when the evaluation fails, e.g. on a field the event does not have
     */
    public boolean matches(Map<String, Object> variables) throws EventFilterException {
        Object result;
        try {
            result = program.eval(variables);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new EventFilterException(e.getMessage(), e);
        }
        if (result instanceof Boolean passes) {
            return passes;
        }
        throw new EventFilterException("the filter evaluated to " + result + ", not a bool", null);
    }

    /** JSON as CEL values: objects are maps, arrays lists, integers int (or double past 64 bits). */
    static Object toCel(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    map.put(field.getKey(), toCel(field.getValue()));
                }
                return map;
            case ARRAY:
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(toCel(item)));
                return list;
            case STRING:
                return node.textValue();
            case BOOLEAN:
                return node.booleanValue();
            case NUMBER:
                if (node.isIntegralNumber()) {
                    BigInteger value = node.bigIntegerValue();
                    return value.bitLength() < 64 ? (Object) value.longValue() : (Object) value.doubleValue();
                }
                return node.doubleValue();
            default:
                return NullValue.NULL_VALUE;
        }
    }

    /** An evaluation that failed: the event counts as not matching. */
    public static final class EventFilterException extends Exception {

        EventFilterException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public String toString() {
        return "EventFilter[" + expression + "]";
    }
}
