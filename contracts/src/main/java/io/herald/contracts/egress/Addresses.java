package io.herald.contracts.egress;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Address literal parsing and byte-level helpers shared by {@link Cidr} and {@link EgressPolicy}. */
final class Addresses {

    private Addresses() {
    }

    /** Thrown for a host that looks like an address literal but is not a valid one. */
    static final class InvalidHostException extends Exception {

        InvalidHostException() {
            super(null, null, false, false);
        }
    }

    /**
     * The IPv4 address a host denotes under the WHATWG URL / {@code inet_aton} rules (what browsers, curl and the C
     * library accept): one to four dot-separated parts, each decimal, hex ({@code 0x}) or octal (leading {@code 0}),
     * the last part filling the remaining bytes; a single trailing dot ignored. So {@code 2130706433},
     * {@code 0x7f000001}, {@code 0177.0.0.1} and {@code 127.1} are all 127.0.0.1.
     * <p>
     * Why not let the JDK parse them: it reads {@code 0177.0.0.1} as decimal 177.0.0.1 and sends {@code 0x7f000001} to
     * DNS, so what it connects to would differ from what the rest of the world means by that URL.
     *
     * @return null if the host's last label is not a number (then it is a name)
     *
     * @throws InvalidHostException if the last label is a number but the whole is not a valid IPv4 address
     */
    static Inet4Address parseIpv4(String host) throws InvalidHostException {
        List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
        if (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        String last = parts.get(parts.size() - 1);
        if (!endsInNumber(last)) {
            return null;
        }
        if (parts.size() > 4) {
            throw new InvalidHostException();
        }
        long value = 0;
        for (int i = 0; i < parts.size(); i++) {
            BigInteger number = parseNumber(parts.get(i));
            if (number == null) {
                throw new InvalidHostException();
            }
            boolean isLast = i == parts.size() - 1;
            BigInteger limit = isLast ? BigInteger.valueOf(256).pow(5 - parts.size()) : BigInteger.valueOf(256);
            if (number.compareTo(limit) >= 0) {
                throw new InvalidHostException();
            }
            value += isLast ? number.longValue() : number.longValue() << (8 * (3 - i));
        }
        byte[] bytes = { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
        return (Inet4Address) byAddress(bytes);
    }

    /**
     * An IPv6 literal, with or without brackets; a zone id ({@code %eth0}, {@code %25eth0}) is dropped since the
     * classification does not depend on it.
     *
     * @throws InvalidHostException if it is not a valid IPv6 literal
     */
    static InetAddress parseIpv6(String host) throws InvalidHostException {
        String literal = host;
        if (literal.startsWith("[")) {
            if (!literal.endsWith("]")) {
                throw new InvalidHostException();
            }
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.indexOf(':') < 0 || literal.indexOf('[') >= 0 || literal.indexOf(']') >= 0) {
            throw new InvalidHostException();
        }
        try {
            // Bracketed, the JDK parses an IPv6 literal or fails: it never turns this into a DNS query.
            return InetAddress.getByName("[" + literal + "]");
        } catch (UnknownHostException e) {
            throw new InvalidHostException();
        }
    }

    /**
     * The 16 bytes of an IPv6 address; an IPv4 address (the JDK's form of an IPv4-mapped literal) as ::ffff:a.b.c.d.
     */
    static byte[] ipv6Bytes(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            return bytes;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    /** The IPv4 address in {@code bytes[offset..offset+3]}. */
    static Inet4Address ipv4At(byte[] bytes, int offset) {
        return (Inet4Address) byAddress(Arrays.copyOfRange(bytes, offset, offset + 4));
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address a socket actually connects to. */
    static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            if (isZero(bytes, 0, 10) && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                return ipv4At(bytes, 12);
            }
        }
        return address;
    }

    static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean endsInNumber(String last) {
        if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return parseNumber(last) != null;
    }

    /** One part of an IPv4 literal, or null if it is not a number in its radix (size is checked by the caller). */
    private static BigInteger parseNumber(String part) {
        if (part.isEmpty()) {
            return null;
        }
        String digits = part;
        int radix = 10;
        if (digits.length() >= 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            digits = digits.substring(2);
            radix = 16;
        } else if (digits.length() >= 2 && digits.charAt(0) == '0') {
            digits = digits.substring(1);
            radix = 8;
        }
        if (digits.isEmpty()) {
            return BigInteger.ZERO;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 0x7f) {
                return null;
            }
        }
        return new BigInteger(digits, radix);
    }
}
