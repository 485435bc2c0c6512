package io.herald.subscription.portal;

import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.subscription.deadletter.DeliveriesTail;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The portal in a real browser: Debian's {@code chromium} driven headless through {@code /usr/bin/chromedriver}
 * (Selenium), against this service on the real PostgreSQL and Kafka. Dispatch is not part of this module, so the test
 * plays its part on the topics: it reads the delivery the page's "send test event" put on {@code herald.deliveries} and
 * answers with the attempt record (and dead letter) dispatch would write. Screenshots land in
 * {@code target/portal-screenshots/}. Skipped, with the reason, only when chromium or chromedriver is not installed
 * ({@code apt-get install -y chromium chromium-driver}; {@code .ci/run} installs them).
 */
@QuarkusTest
@ServiceTestResources
class PortalBrowserTests {

    static final Path CHROMEDRIVER = Path.of(System.getProperty("herald.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("herald.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");
    /** What a hostile receiver answered: it must show as these characters, never run or render. */
    static final String XSS = "<script>window.__heraldXss = 1</script><img src=x onerror=\"window.__heraldXss = 2\">"
            + "<b>not bold</b>";
    private static final Duration WAIT = Duration.ofSeconds(30);

    static ChromeDriver browser;
    static WebDriverWait wait;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        String missing = CHROMIUM + " or " + CHROMEDRIVER + " is missing (apt-get install -y chromium chromium-driver)";
        // .ci/run installs them: in CI a missing browser is a failure, not a silent skip.
        assertThat(present || System.getenv("CI") == null).as("CI must run the browser tests: " + missing).isTrue();
        assumeTrue(present, "Browser tests skipped: " + missing);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400", "--no-first-run",
                "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldWalkThroughEndpointTestEventLogSecretAndReplay() throws Exception {
        String tenant = newTenant();
        browser.get(portalLink(tenant));

        // The token left the address bar at once.
        visible("view-endpoints");
        assertThat(browser.getCurrentUrl()).doesNotContain("token");
        assertThat(text("endpoints-empty")).contains("No endpoints yet");
        screenshot("1-empty");

        // Create: no catalog on this server without /v1/event-types, so free patterns.
        click("new-endpoint");
        visible("view-form");
        type("form-url", "https://localhost/hooks/orders");
        type("form-description", "Orders of the shop");
        type("form-patterns", "order.*, invoice.paid");
        screenshot("2-create");
        click("form-save");
        visible("view-endpoint");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ep-secret")));
        String firstSecret = text("ep-secret-value");
        assertThat(firstSecret).startsWith("whsec_");
        String endpointId = text("ep-id");
        assertThat(text("ep-types")).isEqualTo("order.*, invoice.paid");
        assertThat(queryLong("select count(*) from endpoint where id = ? and tenant = ?", endpointId, tenant))
                .isEqualTo(1);

        // Send a test event; act as dispatch: the receiver answered 500 with a hostile body, the delivery gave up.
        DeliveryMessage delivery;
        try (DeliveriesTail tail = new DeliveriesTail()) {
            type("test-type", "order.created");
            click("test-send");
            List<DeliveryMessage> seen = tail.until(endpointId, d -> d.eventType().equals("order.created"));
            delivery = seen.get(seen.size() - 1);
        }
        assertThat(delivery.tenant()).isEqualTo(tenant);
        Instant now = Instant.now();
        publish(Topics.DLQ, endpointId, List.of(
                new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery.retryAt(null), 500, "HTTP 500", now)));
        await("the dead letter is stored",
                () -> queryLong("select count(*) from dead_letter where delivery_id = ?", delivery.id()) == 1);
        publish(Topics.ATTEMPTS, endpointId,
                List.of(new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery.id(), 1),
                        delivery.id(), delivery.webhookId(), tenant, endpointId, delivery.eventId(),
                        delivery.eventType(), 1, AttemptOutcome.EXHAUSTED, 500, 87, "HTTP 500", XSS, now, null)));

        // The page polls the event's attempts and shows the one dispatch reported.
        WebElement excerpt = wait
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#test-attempts pre.excerpt")));
        assertThat(excerpt.getText()).isEqualTo(XSS);
        assertThat(browser.findElement(By.cssSelector("#test-attempts td.code")).getText()).isEqualTo("500");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log-table tbody tr"), 1));
        assertThat(browser.findElement(By.cssSelector("#log-table pre.excerpt")).getText()).isEqualTo(XSS);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chart-summary"), "0 succeeded, 1 failed"));
        assertThat(browser.findElements(By.cssSelector("#chart rect.bar.bad"))).hasSize(1);
        // Escaped: no element came out of the receiver's text, and nothing of it ran.
        assertThat(browser.findElements(By.cssSelector("main script, main img, main b"))).isEmpty();
        assertThat(browser.executeScript("return window.__heraldXss === undefined")).isEqualTo(true);
        screenshot("3-test-event-and-log");

        // Filters: only successes -> nothing; back to any -> the attempt.
        new Select(browser.findElement(By.id("log-status"))).selectByValue("succeeded");
        click("log-apply");
        visible("log-empty");
        new Select(browser.findElement(By.id("log-status"))).selectByValue("5xx");
        click("log-apply");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log-table tbody tr"), 1));

        // Rotate the secret: a new one, the old keeps signing for the grace period.
        click("ep-rotate");
        wait.until(d -> !text("ep-secret-value").equals(firstSecret));
        assertThat(text("ep-secret-value")).startsWith("whsec_");
        assertThat(text("ep-secret-note")).contains("previous one keeps signing");
        click("ep-reveal");
        wait.until(d -> text("ep-secret-note").contains("keep it private"));
        assertThat(text("ep-secret-value")).isNotEqualTo(firstSecret).startsWith("whsec_");

        // A reload keeps the session (the token stays in this tab only); the dead letter is listed, then replayed.
        browser.navigate().refresh();
        visible("view-endpoints");
        browser.findElement(By.cssSelector("tr[data-endpoint-id='" + endpointId + "'] button")).click();
        visible("view-endpoint");
        WebElement row = wait
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#dead-table tbody tr")));
        assertThat(row.findElement(By.cssSelector("td.state")).getText()).isEqualTo("pending");
        screenshot("4-dead-letter");
        try (DeliveriesTail tail = new DeliveriesTail()) {
            row.findElement(By.cssSelector("button.replay")).click();
            List<DeliveryMessage> replayed = tail.until(endpointId, d -> d.id().equals(delivery.id()));
            assertThat(replayed.get(replayed.size() - 1).attempts()).isZero();
        }
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#dead-table tbody tr td.state"), "replayed"));
        assertThat(text("notice")).contains("Replayed");

        // Disable, then delete (after the browser's confirmation).
        click("ep-toggle");
        wait.until(ExpectedConditions.textToBe(By.id("ep-status"), "Disabled"));
        click("ep-delete");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        visible("view-endpoints");
        assertThat(queryLong("select count(*) from endpoint where id = ?", endpointId)).isZero();
        screenshot("5-deleted");

        // The page ran under its own CSP without a single violation.
        List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("TrustedHTML")).toList();
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldShowTheEventTypesTheSessionOffers() throws Exception {
        String tenant = newTenant();
        String link = given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/json")
                .body(Map.of("eventTypes", List.of("order.created", "order.refunded"))).post("/v1/portal-sessions")
                .then().statusCode(201).extract().path("url");
        browser.get(link);
        visible("view-endpoints");
        click("new-endpoint");
        visible("view-form");
        assertThat(browser.findElement(By.id("form-patterns-box")).isDisplayed()).isFalse();
        type("form-url", "https://localhost/hooks/refunds");
        browser.findElement(By.cssSelector("#form-type-choices input[value='order.refunded']")).click();
        screenshot("6-session-event-types");
        click("form-save");
        visible("view-endpoint");
        assertThat(text("ep-types")).isEqualTo("order.refunded");
    }

    @Test
    void shouldRefuseAnExpiredOrForgedLink() throws Exception {
        String tenant = newTenant();
        String expired = PortalTokenForge.token(PortalTokenForge.serviceKey(), tenant, Instant.now().minusSeconds(5));
        browser.get(base + "portal/#token=" + expired);
        visible("view-expired");
        screenshot("7-expired");

        String forged = PortalTokenForge.token("not-the-portal-key-but-32-bytes-long!!".getBytes(), tenant,
                Instant.now().plusSeconds(600));
        browser.get(base + "portal/#token=" + forged);
        visible("view-expired");
        assertThat(browser.findElements(By.cssSelector("#endpoints-table tbody tr"))).isEmpty();
    }

    private String portalLink(String tenant) {
        return given().auth().oauth2(TestTokens.admin(tenant)).post("/v1/portal-sessions").then().statusCode(201)
                .extract().path("url");
    }

    private static void visible(String id) {
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        } catch (TimeoutException e) {
            throw new AssertionError("#" + id + " did not show; browser console: "
                    + browser.manage().logs().get(LogType.BROWSER).getAll() + "\npage: " + browser.getPageSource(), e);
        }
    }

    private static void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private static void type(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void screenshot(String name) throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
