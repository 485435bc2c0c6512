package io.herald.ingest;

import java.time.Duration;
import java.util.Map;

/** An {@link IngestConfig} for plain unit tests, with the defaults of application.properties unless given. */
public final class TestConfig {

    private TestConfig() {
    }

    public static IngestConfig ingest(long publishTimeoutMs, long retryAfterSeconds, int maxInFlight) {
        return ingest(publishTimeoutMs, retryAfterSeconds, maxInFlight, 1000, Map.of());
    }

    public static IngestConfig ingest(long publishTimeoutMs, long retryAfterSeconds, int maxInFlight,
            long defaultPerSecond, Map<String, Long> tenantLimits) {
        return new IngestConfig() {
            @Override
            public Duration publishTimeout() {
                return Duration.ofMillis(publishTimeoutMs);
            }

            @Override
            public Duration retryAfter() {
                return Duration.ofSeconds(retryAfterSeconds);
            }

            @Override
            public int maxInFlight() {
                return maxInFlight;
            }

            @Override
            public Batch batch() {
                return () -> 100;
            }

            @Override
            public RateLimit rateLimit() {
                return new RateLimit() {
                    @Override
                    public long defaultPerSecond() {
                        return defaultPerSecond;
                    }

                    @Override
                    public Map<String, TenantLimit> tenants() {
                        Map<String, TenantLimit> limits = new java.util.HashMap<>();
                        tenantLimits.forEach((tenant, perSecond) -> limits.put(tenant, () -> perSecond));
                        return limits;
                    }
                };
            }

            @Override
            public Idempotency idempotency() {
                return new Idempotency() {
                    @Override
                    public Duration ttl() {
                        return Duration.ofSeconds(86400);
                    }

                    @Override
                    public Duration waitTime() {
                        return Duration.ofMillis(7000);
                    }

                    @Override
                    public Duration cleanupInterval() {
                        return Duration.ofSeconds(300);
                    }
                };
            }
        };
    }
}
