package io.herald.subscription.endpoint;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonSetter;

import io.herald.subscription.MergePatch;
import io.herald.subscription.eventtype.EventTypePatterns;

/**
 * Body of {@code PATCH /v1/endpoints/{id}} (JSON merge patch): a field left out stays as it is; {@code null} clears
 * {@code description}, {@code headers}, {@code rateLimitPerSecond}, {@code retryScheduleMs}, {@code filter},
 * {@code sendTraceparent}, {@code auth} and {@code secretHeaders} back to their defaults and is refused for the others.
 * {@code auth} is replaced whole, not merged. The setters record which fields the body carried.
 */
@Schema(description = "Fields to change; absent fields stay, null resets an optional field to its default")
public class UpdateEndpointRequest extends MergePatch {

    @Size(max = 2048)
    @AbsoluteHttpUrl
    private String url;

    @Size(max = 512)
    private String description;

    @Size(min = 1, max = 50)
    @EventTypePatterns
    private List<String> eventTypes;

    private Boolean enabled;

    private Map<String, String> headers;

    private Integer rateLimitPerSecond;

    private List<Long> retryScheduleMs;

    @Pattern(regexp = SigningMode.VALUES, message = "must be v1 or v1a")
    @Schema(enumeration = { "v1", "v1a" }, description = "A new mode issues a new key of that kind (fetch it from "
            + "/v1/endpoints/{id}/secret); the old key keeps signing beside it for the rotation grace period")
    private String signingMode;

    @Schema(description = EndpointRules.FILTER_DESCRIPTION + "; null removes it", maxLength = 1024)
    private String filter;

    @Schema(description = EndpointRules.SEND_TRACEPARENT_DESCRIPTION + "; null resets it to false")
    private Boolean sendTraceparent;

    @Schema(description = CreateEndpointRequest.ORDERED_DESCRIPTION)
    private Boolean ordered;

    @Schema(description = "New credentials (all their fields; ******** keeps a stored secret part of the same type); "
            + "null removes them")
    private EndpointAuthRequest auth;

    @Size(max = 20)
    @Schema(description = CreateEndpointRequest.SECRET_HEADERS_DESCRIPTION + "; null: none")
    private List<String> secretHeaders;

    public String getUrl() {
        return url;
    }

    @JsonSetter("url")
    public void setUrl(String url) {
        carried("url");
        this.url = url;
    }

    public String getDescription() {
        return description;
    }

    @JsonSetter("description")
    public void setDescription(String description) {
        carried("description");
        this.description = description;
    }

    public List<String> getEventTypes() {
        return eventTypes;
    }

    @JsonSetter("eventTypes")
    public void setEventTypes(List<String> eventTypes) {
        carried("eventTypes");
        this.eventTypes = eventTypes;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    @JsonSetter("enabled")
    public void setEnabled(Boolean enabled) {
        carried("enabled");
        this.enabled = enabled;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    @JsonSetter("headers")
    public void setHeaders(Map<String, String> headers) {
        carried("headers");
        this.headers = headers;
    }

    public Integer getRateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    @JsonSetter("rateLimitPerSecond")
    public void setRateLimitPerSecond(Integer rateLimitPerSecond) {
        carried("rateLimitPerSecond");
        this.rateLimitPerSecond = rateLimitPerSecond;
    }

    public List<Long> getRetryScheduleMs() {
        return retryScheduleMs;
    }

    @JsonSetter("retryScheduleMs")
    public void setRetryScheduleMs(List<Long> retryScheduleMs) {
        carried("retryScheduleMs");
        this.retryScheduleMs = retryScheduleMs;
    }

    public String getSigningMode() {
        return signingMode;
    }

    @JsonSetter("signingMode")
    public void setSigningMode(String signingMode) {
        carried("signingMode");
        this.signingMode = signingMode;
    }

    public String getFilter() {
        return filter;
    }

    @JsonSetter("filter")
    public void setFilter(String filter) {
        carried("filter");
        this.filter = filter;
    }

    public Boolean getSendTraceparent() {
        return sendTraceparent;
    }

    @JsonSetter("sendTraceparent")
    public void setSendTraceparent(Boolean sendTraceparent) {
        carried("sendTraceparent");
        this.sendTraceparent = sendTraceparent;
    }

    public Boolean getOrdered() {
        return ordered;
    }

    @JsonSetter("ordered")
    public void setOrdered(Boolean ordered) {
        carried("ordered");
        this.ordered = ordered;
    }

    public EndpointAuthRequest getAuth() {
        return auth;
    }

    @JsonSetter("auth")
    public void setAuth(EndpointAuthRequest auth) {
        carried("auth");
        this.auth = auth;
    }

    public List<String> getSecretHeaders() {
        return secretHeaders;
    }

    @JsonSetter("secretHeaders")
    public void setSecretHeaders(List<String> secretHeaders) {
        carried("secretHeaders");
        this.secretHeaders = secretHeaders;
    }
}
