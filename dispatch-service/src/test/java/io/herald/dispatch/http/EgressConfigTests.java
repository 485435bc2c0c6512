package io.herald.dispatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.contracts.egress.Cidr;
import io.herald.dispatch.DispatchConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** {@code herald.dispatch.egress.allow-cidrs} as the real config mapping reads it. */
class EgressConfigTests {

    @Test
    void shouldReadTheAllowListAsCidrs() {
        DispatchConfig config = mapping(Map.of("herald.dispatch.egress.allow-cidrs", "127.0.0.0/8, ::1/128"));

        assertThat(config.egress().allowCidrs())
                .contains(java.util.List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
    }

    @Test
    void shouldAllowNothingByDefault() {
        assertThat(mapping(Map.of()).egress().allowCidrs()).isEmpty();
    }

    @Test
    void shouldRefuseToStartWithAMalformedCidr() {
        assertThatThrownBy(() -> mapping(Map.of("herald.dispatch.egress.allow-cidrs", "127.0.0.1/8")))
                .hasStackTraceContaining("did you mean 127.0.0.0/8?");
    }

    private static DispatchConfig mapping(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(DispatchConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(DispatchConfig.class);
    }
}
