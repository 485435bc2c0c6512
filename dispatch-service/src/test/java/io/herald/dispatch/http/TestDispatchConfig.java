package io.herald.dispatch.http;

import java.util.List;
import java.util.Optional;

import io.herald.contracts.egress.Cidr;
import io.herald.dispatch.DispatchConfig;

/** The settings {@link WebhookHttpClient} reads, for tests that build it without Quarkus. */
final class TestDispatchConfig implements DispatchConfig {

    private final int requestTimeoutMs;
    private final int idleTimeoutMs;
    private final int maxResponseBodyBytes;
    private final List<Cidr> allowCidrs;

    TestDispatchConfig(int requestTimeoutMs, int idleTimeoutMs, int maxResponseBodyBytes, String... allowCidrs) {
        this.requestTimeoutMs = requestTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.maxResponseBodyBytes = maxResponseBodyBytes;
        this.allowCidrs = List.of(allowCidrs).stream().map(Cidr::parse).toList();
    }

    @Override
    public Routing routing() {
        throw new UnsupportedOperationException();
    }

    @Override
    public FanOut fanOut() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Delivery delivery() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Failover failover() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Egress egress() {
        return () -> allowCidrs.isEmpty() ? Optional.empty() : Optional.of(allowCidrs);
    }

    @Override
    public Http http() {
        return new Http() {
            @Override
            public int connectTimeoutMs() {
                return 1000;
            }

            @Override
            public int idleTimeoutMs() {
                return idleTimeoutMs;
            }

            @Override
            public int requestTimeoutMs() {
                return requestTimeoutMs;
            }

            @Override
            public int maxConnectionsPerHost() {
                return 4;
            }

            @Override
            public long idleClientEvictionMs() {
                return 60_000;
            }

            @Override
            public int maxResponseBodyBytes() {
                return maxResponseBodyBytes;
            }

            @Override
            public String userAgent() {
                return "Herald-Test";
            }

            @Override
            public Optional<String> trustPemPath() {
                return Optional.empty();
            }
        };
    }
}
