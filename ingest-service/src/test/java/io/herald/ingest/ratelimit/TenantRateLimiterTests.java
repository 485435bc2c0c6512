package io.herald.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.ingest.TestConfig;
import io.herald.kit.problem.ProblemException;

class TenantRateLimiterTests {

    private final TenantRateLimiter limiter = new TenantRateLimiter(
            TestConfig.ingest(5000, 5, 1000, 5, Map.of("big", 1000L, "free", 0L)));

    @Test
    void shouldAllowABurstOfTheLimitThenAnswer429WithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("acme", 1);
        }
        assertThatThrownBy(() -> limiter.acquire("acme", 1)).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(429);
            assertThat(e.problem().type()).isEqualTo("urn:herald:problem:rate-limited");
            // One token comes back every 200 ms at 5 per second.
            assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(200));
        });
    }

    @Test
    void shouldKeepOneBucketPerTenant() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("acme", 1);
        }
        assertThatCode(() -> limiter.acquire("globex", 5)).doesNotThrowAnyException();
    }

    @Test
    void shouldApplyPerTenantOverridesAndZeroAsUnlimited() {
        assertThat(limiter.limitOf("big")).isEqualTo(1000);
        assertThat(limiter.limitOf("acme")).isEqualTo(5);
        assertThatCode(() -> {
            for (int i = 0; i < 200; i++) {
                limiter.acquire("big", 5);
                limiter.acquire("free", 100);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void shouldChargeOneTokenPerEventOfABatch() {
        limiter.acquire("acme", 4);
        assertThatThrownBy(() -> limiter.acquire("acme", 2)).isInstanceOf(ProblemException.class);
        assertThatCode(() -> limiter.acquire("acme", 1)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseABatchLargerThanTheBucketWith400() {
        assertThatThrownBy(() -> limiter.acquire("acme", 6)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().status()).isEqualTo(400));
    }

    @Test
    void shouldForgetBucketsOnlyOnceTheyAreFullAgain() throws InterruptedException {
        limiter.acquire("acme", 5);
        limiter.acquire("globex", 1);
        limiter.evictIdle();
        assertThat(limiter.bucketCount()).isEqualTo(2);
        Thread.sleep(1100);
        limiter.evictIdle();
        assertThat(limiter.bucketCount()).isZero();
    }
}
