package io.herald.subscription.endpoint;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.subscription.eventtype.EventTypePatterns;

/**
 * Body of {@code POST /v1/endpoints}.
 *
 * @param url where deliveries are POSTed: absolute http(s) (https outside local/test), at most 2048 characters, not
 *        resolving to a private, loopback, link-local or metadata address
 * @param description optional note for people, at most 512 characters
 * @param eventTypes 1 to 50 subscription patterns: {@code order.created}, {@code order.*} or {@code *}
 * @param enabled false registers the endpoint without delivering to it; default true
 * @param headers optional custom headers sent with every delivery (see {@link EndpointRules} for the limits and the
 *        reserved names)
 * @param rateLimitPerSecond optional most deliveries per second, 1 to 10000; absent: dispatch's default
 * @param retryScheduleMs optional delays before each retry in ms, 1 to 20 entries of 1 ms to 7 days; absent: dispatch's
 *        default schedule
 * @param signingMode {@code v1} (default: HMAC-SHA256, the answer's {@code secret} is a {@code whsec_} shared secret)
 *        or {@code v1a} (Ed25519: the answer's {@code secret} is the {@code whpk_} public key to verify with)
 * @param filter optional CEL expression over {@code type}, {@code data} and {@code occurredAt} that an event of the
 *        subscribed types must also pass to be delivered, e.g. {@code data.amount > 1000}
 * @param sendTraceparent true: every delivery carries a W3C {@code traceparent} header naming its attempt's span, so
 *        the subscriber's trace continues Herald's (only when tracing is on); default false
 * @param ordered true: webhooks are sent one at a time in order, the next only once the one before succeeded or became
 *        a dead letter; default false
 * @param auth optional credentials dispatch presents to the endpoint ({@link EndpointAuthRules}); secret parts are
 *        write-only
 * @param secretHeaders optional names of {@code headers} whose values are write-only: answers show them masked
 */
public record CreateEndpointRequest(@NotBlank @Size(max = 2048) @AbsoluteHttpUrl String url,
        @Size(max = 512) String description, @NotEmpty @Size(max = 50) @EventTypePatterns List<String> eventTypes,
        Boolean enabled, Map<String, String> headers, Integer rateLimitPerSecond, List<Long> retryScheduleMs,
        @Pattern(regexp = SigningMode.VALUES, message = "must be v1 or v1a") @Schema(enumeration = {
                "v1",
                "v1a" }, defaultValue = "v1", description = "Standard Webhooks signature scheme: v1 (HMAC-SHA256) or v1a (Ed25519)") String signingMode,
        @Schema(description = EndpointRules.FILTER_DESCRIPTION, maxLength = 1024, examples = "type == \"order.created\" && data.amount > 1000") String filter,
        @Schema(description = EndpointRules.SEND_TRACEPARENT_DESCRIPTION, defaultValue = "false") Boolean sendTraceparent,
        @Schema(description = ORDERED_DESCRIPTION, defaultValue = "false") Boolean ordered, EndpointAuthRequest auth,
        @Size(max = 20) @Schema(description = SECRET_HEADERS_DESCRIPTION) List<String> secretHeaders){

    static final String ORDERED_DESCRIPTION = "true: webhooks are sent one at a time in the order of the endpoint's "
            + "deliveries, the next only once the one before got a 2xx or became a dead letter; retries wait in place";
    static final String SECRET_HEADERS_DESCRIPTION = "Names of headers whose values are write-only: answers show "
            + "them as ********, and a PATCH that sends ******** back keeps the value";

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }
}
