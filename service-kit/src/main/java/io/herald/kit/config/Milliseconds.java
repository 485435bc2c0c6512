package io.herald.kit.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads a key that holds a whole number of milliseconds (its name ends in {@code -ms}) as a {@link Duration}, so
 * operators keep setting plain numbers while the code works with durations.
 */
public class Milliseconds implements Converter<Duration> {

    @Override
    public Duration convert(String value) {
        String number = value.trim();
        return number.isEmpty() ? null : Duration.ofMillis(Long.parseLong(number));
    }
}
