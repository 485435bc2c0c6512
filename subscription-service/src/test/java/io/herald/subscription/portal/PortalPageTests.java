package io.herald.subscription.portal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.herald.testing.ServiceTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The portal page itself: served without a token (it holds no data), under a strict Content-Security-Policy. */
@QuarkusTest
@ServiceTestResources
class PortalPageTests {

    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

    @Test
    void shouldServeThePageWithAStrictContentSecurityPolicy() {
        Response page = given().get("/portal/").then().statusCode(200).contentType(containsString("text/html"))
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff").extract().response();

        String csp = page.header("Content-Security-Policy");
        assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                        "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
                        "require-trusted-types-for 'script'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("*");
        String html = page.asString();
        assertThat(INLINE_SCRIPT.matcher(html).find()).as("inline <script> in the page").isFalse();
        assertThat(INLINE_HANDLER.matcher(html).find()).as("inline event handler in the page").isFalse();
        assertThat(html).contains("<script type=\"module\" src=\"assets/portal.js?v=");
    }

    @Test
    void shouldServeTheScriptAndStyleFromThisOrigin() {
        String script = given().get("/portal/assets/portal.js").then().statusCode(200)
                .contentType(containsString("javascript")).extract().asString();
        // The script builds the DOM from text only; Trusted Types would refuse the rest anyway.
        assertThat(script).doesNotContain(".innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(");
        given().get("/portal/assets/portal.css").then().statusCode(200).contentType(containsString("text/css"));
    }

    @Test
    void shouldRedirectThePathWithoutSlash() {
        given().redirects().follow(false).get("/portal").then().statusCode(301).header("Location",
                endsWith("/portal/"));
    }
}
