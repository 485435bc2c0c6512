package io.herald.dispatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ReceiverTextTests {

    @Test
    void shouldReplaceNulBytes() {
        assertThat(ReceiverText.safe("a\u0000b\u0000")).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void shouldReplaceUnpairedSurrogatesAndKeepPairedOnes() {
        assertThat(ReceiverText.safe("x\uD800y\uDC00z\uD83D\uDE00")).isEqualTo("x\uFFFDy\uFFFDz\uD83D\uDE00");
        assertThat(ReceiverText.safe("end\uD800")).isEqualTo("end\uFFFD");
    }

    @Test
    void shouldKeepOrdinaryTextAsItIs() {
        String text = "HTTP 500: <b>busy</b> \t\n é ✓";
        assertThat(ReceiverText.safe(text)).isSameAs(text);
        assertThat(ReceiverText.safe(null)).isNull();
    }

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
