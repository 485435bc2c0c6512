package io.herald.contracts.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;

class ReceiverTextTests {

    @Test
    void shouldReplaceEveryNulWithTheReplacementCharacter() {
        assertThat(ReceiverText.sanitize("a\0b\0\0")).isEqualTo("a\uFFFDb\uFFFD\uFFFD");
        assertThat(ReceiverText.sanitize("\0")).isEqualTo("\uFFFD");
    }

    @Test
    void shouldReplaceUnpairedSurrogatesButKeepPairs() {
        String pair = "\uD83D\uDE00"; // U+1F600, one code point in two chars
        assertThat(ReceiverText.sanitize("x\uD800y")).isEqualTo("x\uFFFDy");
        assertThat(ReceiverText.sanitize("x\uDC00")).isEqualTo("x\uFFFD");
        assertThat(ReceiverText.sanitize("\uD800")).isEqualTo("\uFFFD");
        assertThat(ReceiverText.sanitize("\uDE00\uD83D")).isEqualTo("\uFFFD\uFFFD");
        assertThat(ReceiverText.sanitize(pair + "\uD83D" + pair)).isEqualTo(pair + "\uFFFD" + pair);
        assertThat(ReceiverText.sanitize(pair)).isSameAs(pair);
    }

    @Test
    void shouldReturnCleanTextAndNullUnchanged() {
        String clean = "HTTP 500: caf\u00e9 \u2603 \t\r\n {\"ok\":false}";
        assertThat(ReceiverText.sanitize(clean)).isSameAs(clean);
        assertThat(ReceiverText.isSafe(clean)).isTrue();
        assertThat(ReceiverText.sanitize(null)).isNull();
        assertThat(ReceiverText.isSafe(null)).isTrue();
        assertThat(ReceiverText.isSafe("a\0")).isFalse();
        assertThat(ReceiverText.isSafe("a\uD800")).isFalse();
    }

    @Test
    void shouldDecodeInvalidUtf8AsReplacementCharacters() {
        byte[] bytes = { 'o', 'k', (byte) 0xC3, (byte) 0xA9, 0, (byte) 0xFF, (byte) 0xC0, (byte) 0x80, (byte) 0xED,
                (byte) 0xA0, (byte) 0x80, '!' };

        String text = ReceiverText.decode(bytes);

        assertThat(text).startsWith("ok\u00e9\uFFFD\uFFFD").endsWith("!").doesNotContain("\0");
        assertThat(ReceiverText.isSafe(text)).isTrue();
        // The encoded surrogate (ED A0 80) and the overlong NUL (C0 80) are not UTF-8 either.
        assertThat(text.chars().filter(c -> c == ReceiverText.REPLACEMENT).count()).isGreaterThanOrEqualTo(4);
        assertThat(ReceiverText.decode(bytes, 0, 2)).isEqualTo("ok");
        assertThat(ReceiverText.decode(null)).isNull();
    }

    @Test
    void shouldSurviveAJsonRoundTripAsTheSameText() {
        String dirty = "body \0 with \uD800 bytes";
        String safe = ReceiverText.sanitize(dirty);

        String back = Json.read(Json.write(new Holder(safe)), Holder.class).text();

        assertThat(back).isEqualTo("body \uFFFD with \uFFFD bytes");
        assertThat(new String(back.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(back);
    }

    record Holder(String text) {
    }
}
