package io.herald.dispatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WebhookResponseTests {

    @Test
    void shouldMakeAResponseOfBinaryBytesSafe() {
        byte[] bytes = { 'o', 'k', 0, (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '!' };
        WebhookResponse response = new WebhookResponse(500, new String(bytes, StandardCharsets.UTF_8), "e\u0000", 1,
                "1\u0000");

        assertThat(response.bodyExcerpt()).doesNotContain("\u0000").startsWith("ok\uFFFD").endsWith("!");
        assertThat(response.error()).isEqualTo("e\uFFFD");
        assertThat(response.retryAfter()).isEqualTo("1\uFFFD");
    }
}
