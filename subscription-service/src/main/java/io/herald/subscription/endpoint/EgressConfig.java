package io.herald.subscription.endpoint;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which endpoint URLs are refused at registration as SSRF risks ({@code io.herald.contracts.egress.EgressPolicy}). */
@ConfigMapping(prefix = "herald.subscription.egress")
public interface EgressConfig {

    /**
     * Networks exempt from the policy, as CIDRs (env {@code HERALD_SUBSCRIPTION_EGRESS_ALLOW_CIDRS}, comma-separated).
     * Cloud metadata addresses stay refused whatever is listed. Default: none.
     */
    Optional<List<String>> allowCidrs();

    /**
     * Also exempt loopback ({@code 127.0.0.0/8}, {@code ::1}): local and test receivers run on 127.0.0.1 (env
     * {@code HERALD_SUBSCRIPTION_EGRESS_ALLOW_LOOPBACK}).
     */
    @WithDefault("false")
    boolean allowLoopback();
}
