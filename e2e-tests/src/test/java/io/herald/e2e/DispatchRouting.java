package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.herald.devstack.ServiceProcess;

/**
 * Reads dispatch's routing table size from its gauge {@code herald_routing_endpoints}. An endpoint reaches dispatch
 * through Kafka some milliseconds after it is registered; a test that posts events right after registering waits here
 * first, or an event may legitimately fan out before the endpoint arrived.
 */
final class DispatchRouting {

    private DispatchRouting() {
    }

    /** Waits until dispatch's routing table holds at least {@code expected} endpoints. */
    static void awaitEndpoints(ServiceProcess dispatch, double expected, Duration timeout) {
        await("dispatch's routing table size (dispatch log: " + dispatch.logFile() + ")").atMost(timeout)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> endpoints(dispatch), greaterThanOrEqualTo(expected));
    }

    static double endpoints(ServiceProcess dispatch) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics(dispatch).split("\n")) {
            if (line.startsWith("herald_routing_endpoints ") || line.startsWith("herald_routing_endpoints{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        assertThat(found).as("dispatch exports the gauge herald_routing_endpoints on /q/metrics").isTrue();
        return sum;
    }

    /**
     * The non-zero samples of dispatch's meters whose name starts with {@code prefix}, as {@code name{tags}=value}
     * (counted since dispatch last started), or what went wrong reading them: for notes on a run, never asserted.
     */
    static Map<String, Double> samples(ServiceProcess dispatch, String prefix) {
        Map<String, Double> samples = new TreeMap<>();
        try {
            for (String line : metrics(dispatch).split("\n")) {
                if (line.startsWith(prefix)) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    if (value != 0) {
                        samples.put(line.substring(0, line.lastIndexOf(' ')), value);
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            samples.put("unreadable: " + e.getMessage(), Double.NaN);
        }
        return samples;
    }

    private static String metrics(ServiceProcess dispatch) {
        return given().baseUri(dispatch.baseUrl()).when().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
