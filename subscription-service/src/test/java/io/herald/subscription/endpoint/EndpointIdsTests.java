package io.herald.subscription.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EndpointIdsTests {

    @Test
    void shouldPrefixIdsWithEpAndUseLowercaseBase32() {
        String id = EndpointIds.next();

        assertThat(id).matches("ep_[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void shouldNotRepeatIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EndpointIds.next());
        }

        assertThat(ids).hasSize(10_000);
    }

    @Test
    void shouldUseTheWholeAlphabetInEveryPosition() {
        // A bit-shifting slip would leave some positions constant (e.g. always '0').
        Set<Character> first = new HashSet<>();
        Set<Character> last = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = EndpointIds.next().substring(EndpointIds.PREFIX.length());
            first.add(id.charAt(0));
            last.add(id.charAt(id.length() - 1));
        }

        assertThat(last).hasSize(32);
        // 128 bits over 26 digits: the first digit carries the top 3 bits only.
        assertThat(first).hasSize(8);
    }
}
