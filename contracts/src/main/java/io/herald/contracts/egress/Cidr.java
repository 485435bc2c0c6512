package io.herald.contracts.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}, or a bare address meaning one host).
 * Parsing is strict: dotted-quad IPv4 only, no zone ids, and no host bits set past the prefix ({@code 10.0.0.1/8} is
 * refused rather than silently widened: in an allow-list a typo must not open more than it says).
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException if it is not a valid CIDR
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty CIDR");
        }
        String value = text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = address.indexOf(':') >= 0 ? ipv6Bytes(address, value) : dottedQuadBytes(address, value);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = value.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("Invalid prefix length in CIDR '" + value + "'");
            }
            prefix = Integer.parseInt(digits);
            if (prefix > bits) {
                throw new IllegalArgumentException("Prefix length of '" + value + "' exceeds " + bits);
            }
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("CIDR '" + value + "' has host bits set past /" + prefix
                    + " (did you mean " + format(masked) + "/" + prefix + "?)");
        }
        return new Cidr(masked, prefix);
    }

    /** Whether {@code address} lies in this network; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefixLength == prefixLength && Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    private static String format(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static byte[] dottedQuadBytes(String address, String cidr) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("Invalid IPv4 address in CIDR '" + cidr + "'");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("Invalid IPv4 address in CIDR '" + cidr + "'");
            }
            bytes[i] = (byte) Integer.parseInt(part);
        }
        return bytes;
    }

    private static byte[] ipv6Bytes(String address, String cidr) {
        if (address.indexOf('%') >= 0 || address.indexOf('[') >= 0) {
            throw new IllegalArgumentException("Invalid IPv6 address in CIDR '" + cidr + "'");
        }
        InetAddress parsed;
        try {
            // Bracketed, the JDK parses an IPv6 literal or fails: it never turns this into a DNS query.
            parsed = InetAddress.getByName("[" + address + "]");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Invalid IPv6 address in CIDR '" + cidr + "'");
        }
        return Addresses.ipv6Bytes(parsed);
    }
}
