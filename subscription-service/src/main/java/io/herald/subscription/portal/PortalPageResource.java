package io.herald.subscription.portal;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * The subscriber portal's page at {@code /portal/}: a Qute template plus static script and style
 * ({@code META-INF/resources/portal/assets}). The page holds no data; its script reads the session token from the
 * link's fragment and calls the {@code /v1} API with it, so every action passes the API's own checks. The template only
 * stamps the asset URLs with the version, so a new release is not served stale scripts.
 * <p>
 * Sent with a strict Content-Security-Policy: scripts, styles and requests only from this origin, no inline script or
 * style, no plugins, no forms posting elsewhere, Trusted Types required (the script never writes HTML, so any
 * {@code innerHTML} would be refused), and framing only by the configured ancestors.
 */
@Path("/portal")
public class PortalPageResource {

    private final Template page;
    private final PortalConfig config;
    private final String version;

    public PortalPageResource(@Location("portal/index.html") Template page, PortalConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.page = page;
        this.config = config;
        this.version = version;
    }

    /** The page; {@code /portal} without the slash redirects to it, as the page's relative asset URLs need. */
    @GET
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page(@Context UriInfo uri) {
        if (!uri.getRequestUri().getRawPath().endsWith("/")) {
            return Response.status(Response.Status.MOVED_PERMANENTLY)
                    .location(URI.create(uri.getRequestUri().getRawPath() + "/")).build();
        }
        return Response.ok(page.data("version", version).render())
                .header("Content-Security-Policy", contentSecurityPolicy()).header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer").header("X-Content-Type-Options", "nosniff").build();
    }

    String contentSecurityPolicy() {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "form-action 'none'; base-uri 'none'; object-src 'none'; require-trusted-types-for 'script'; "
                + "trusted-types 'none'; frame-ancestors " + config.frameAncestors();
    }
}
