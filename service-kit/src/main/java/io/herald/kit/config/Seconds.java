package io.herald.kit.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/** As {@link Milliseconds}, for a key that holds a whole number of seconds (its name ends in {@code -seconds}). */
public class Seconds implements Converter<Duration> {

    @Override
    public Duration convert(String value) {
        String number = value.trim();
        return number.isEmpty() ? null : Duration.ofSeconds(Long.parseLong(number));
    }
}
