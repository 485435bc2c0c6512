package io.herald.dispatch;

import org.eclipse.microprofile.config.spi.Converter;

import io.herald.contracts.egress.Cidr;

/**
 * Reads a CIDR from configuration. SmallRye would find {@link Cidr#parse} by itself but then drop its message; this
 * keeps it, so a bad allow-list entry stops the start with a reason ("did you mean 127.0.0.0/8?").
 */
public class CidrConverter implements Converter<Cidr> {

    @Override
    public Cidr convert(String value) {
        return Cidr.parse(value);
    }
}
