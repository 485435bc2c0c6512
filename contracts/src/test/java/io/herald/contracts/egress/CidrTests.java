package io.herald.contracts.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTests {

    @Test
    void shouldContainTheAddressesOfItsNetwork() throws Exception {
        Cidr loopback = Cidr.parse("127.0.0.0/8");

        assertThat(loopback.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("127.255.255.255"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("128.0.0.0"))).isFalse();
        assertThat(loopback.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(loopback).hasToString("127.0.0.0/8");
    }

    @Test
    void shouldParseIpv6NetworksAndBareAddresses() throws Exception {
        Cidr ula = Cidr.parse("fc00::/7");
        Cidr host = Cidr.parse(" ::1 ");

        assertThat(ula.contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(ula.contains(InetAddress.getByName("fe00::1"))).isFalse();
        assertThat(host.prefixLength()).isEqualTo(128);
        assertThat(host.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(host.contains(InetAddress.getByName("::2"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("::ffff:0:0/96").contains(mapped(1, 2, 3, 4))).isTrue();
        assertThat(Cidr.parse("127.0.0.0/8")).isEqualTo(Cidr.parse("127.0.0.0/8"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "abc", "10.0.0/8", "10.0.0.0.0/8", "0x0a.0.0.0/8", "010.0.0.0/8x", "10.0.0.0/33",
            "10.0.0.0/-1", "10.0.0.0/", "256.0.0.0/8", "::1/129", "fe80::1%eth0/128", "1::2::3/64", "10.0.0.1/8",
            "fc00::1/7", "localhost/32" })
    void shouldRefuseMalformedOrAmbiguousCidrs(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSuggestTheNetworkWhenHostBitsAreSet() {
        assertThatThrownBy(() -> Cidr.parse("127.0.0.1/8")).hasMessageContaining("did you mean 127.0.0.0/8?");
    }

    /** ::ffff:a.b.c.d kept as an IPv6 address ({@code InetAddress.getByAddress} would turn it into IPv4). */
    static Inet6Address mapped(int a, int b, int c, int d) throws Exception {
        return Inet6Address.getByAddress(null, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                (byte) a, (byte) b, (byte) c, (byte) d }, -1);
    }
}
