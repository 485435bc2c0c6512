package io.herald.contracts.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure classification: no address here is ever contacted, and no test consults real DNS. */
class EgressPolicyTests {

    /** Fails the test if a host that must be read without DNS reaches the resolver. */
    private static final EgressPolicy.NameResolver NO_DNS = name -> {
        throw new AssertionError("DNS lookup of " + name);
    };

    private final EgressPolicy strict = EgressPolicy.strict();
    private final EgressPolicy loopbackAllowed = EgressPolicy.allowing("127.0.0.0/8", "::1/128");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // Loopback, in every spelling the C library and browsers accept.
            "127.0.0.1 | LOOPBACK", "127.255.255.254 | LOOPBACK", "2130706433 | LOOPBACK", "0x7f000001 | LOOPBACK",
            "0X7F000001 | LOOPBACK", "0x7f.0.0.1 | LOOPBACK", "0177.0.0.1 | LOOPBACK", "017700000001 | LOOPBACK",
            "0177.0.0.01 | LOOPBACK", "127.1 | LOOPBACK", "127.0.1 | LOOPBACK", "127.0.0.1. | LOOPBACK",
            "localhost | LOOPBACK", "LocalHost. | LOOPBACK", "api.localhost | LOOPBACK", "[::1] | LOOPBACK",
            "::1 | LOOPBACK", "[0:0:0:0:0:0:0:1] | LOOPBACK", "[::ffff:127.0.0.1] | LOOPBACK",
            "[::ffff:7f00:1] | LOOPBACK", "[::127.0.0.1] | LOOPBACK", "[::ffff:0:127.0.0.1] | LOOPBACK",
            "[64:ff9b::127.0.0.1] | LOOPBACK", "[2002:7f00:1::] | LOOPBACK",
            // Private networks.
            "10.0.0.1 | PRIVATE", "012.0.0.1 | PRIVATE", "167772161 | PRIVATE", "172.16.0.1 | PRIVATE",
            "172.31.255.255 | PRIVATE", "192.168.1.1 | PRIVATE", "[::ffff:10.0.0.1] | PRIVATE",
            "[::ffff:a00:1] | PRIVATE", "[::10.0.0.1] | PRIVATE", "[2002:c0a8:101::1] | PRIVATE",
            "[64:ff9b::c0a8:101] | PRIVATE", "[fd12:3456::1] | PRIVATE", "[fc00::1] | PRIVATE", "[fec0::1] | PRIVATE",
            // Link-local, CGNAT, multicast, unspecified, broadcast, this network.
            "169.254.1.1 | LINK_LOCAL", "[fe80::1] | LINK_LOCAL", "[fe80::1%25eth0] | LINK_LOCAL",
            "[febf::1] | LINK_LOCAL", "100.64.0.1 | SHARED_ADDRESS_SPACE", "100.127.255.255 | SHARED_ADDRESS_SPACE",
            "224.0.0.1 | MULTICAST", "239.255.255.250 | MULTICAST", "[ff02::1] | MULTICAST",
            "[::ffff:224.0.0.1] | MULTICAST", "0.0.0.0 | UNSPECIFIED", "0 | UNSPECIFIED", "0x0 | UNSPECIFIED",
            "[::] | UNSPECIFIED", "[::ffff:0.0.0.0] | UNSPECIFIED", "255.255.255.255 | BROADCAST",
            "4294967295 | BROADCAST", "0.1.2.3 | THIS_NETWORK",
            // Cloud metadata, by address in any form and by name.
            "169.254.169.254 | METADATA", "0xa9fea9fe | METADATA", "2852039166 | METADATA",
            "0251.0376.0251.0376 | METADATA", "[::ffff:169.254.169.254] | METADATA", "[::ffff:a9fe:a9fe] | METADATA",
            "[2002:a9fe:a9fe::] | METADATA", "[64:ff9b::a9fe:a9fe] | METADATA", "169.254.170.2 | METADATA",
            "[fd00:ec2::254] | METADATA", "[fd20:ce::254] | METADATA", "100.100.100.200 | METADATA",
            "168.63.129.16 | METADATA", "metadata.google.internal | METADATA", "METADATA.GOOGLE.INTERNAL. | METADATA",
            "metadata | METADATA", "instance-data.ec2.internal | METADATA",
            // Special-purpose and documentation ranges.
            "192.0.0.8 | RESERVED", "198.18.0.1 | RESERVED", "198.19.255.255 | RESERVED", "192.88.99.1 | RESERVED",
            "240.0.0.1 | RESERVED", "[2001:0:4136:e378:8000:63bf:3fff:fdd2] | RESERVED", "[2001:2::1] | RESERVED",
            "[100::1] | RESERVED", "[5f00::1] | RESERVED", "[::8.8.8.8] | RESERVED", "[64:ff9b:1::1] | RESERVED",
            "192.0.2.1 | DOCUMENTATION", "198.51.100.7 | DOCUMENTATION", "203.0.113.5 | DOCUMENTATION",
            "[2001:db8::1] | DOCUMENTATION", "[3fff::1] | DOCUMENTATION",
            // Not a host at all.
            "1.2.3.4.5 | INVALID_HOST", "256.0.0.1 | INVALID_HOST", "1.2.3.256 | INVALID_HOST",
            "4294967296 | INVALID_HOST", "0x100000000 | INVALID_HOST", "08.0.0.1 | INVALID_HOST",
            "1..2.3 | INVALID_HOST", "[::g] | INVALID_HOST", "[1::2::3] | INVALID_HOST", "[::1 | INVALID_HOST",
            ". | INVALID_HOST", "foo..bar | INVALID_HOST" })
    void shouldRefuseNonPublicDestinationsWithoutALookup(String host, EgressCategory expected)
            throws UnknownHostException {
        EgressVerdict verdict = strict.checkHost(host, NO_DNS);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.category()).isEqualTo(expected);
        assertThat(EgressPolicy.requiresLookup(host)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "8.8.8.8", "1.1.1.1", "0x08080808", "134744072", "010.010.010.010", "172.32.0.1", "100.128.0.1",
            "169.255.0.1", "192.0.1.1", "198.20.0.1", "223.255.255.255", "[2606:4700::1111]", "[2001:4860:4860::8888]",
            "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]" })
    void shouldAllowPublicAddressesWithoutALookup(String host) throws UnknownHostException {
        EgressVerdict verdict = strict.checkHost(host, NO_DNS);

        assertThat(verdict.allowed()).as(verdict.reason()).isTrue();
        assertThat(verdict.category()).isEqualTo(EgressCategory.PUBLIC);
    }

    @Test
    void shouldReadNumericHostsAsTheAddressTheyDenote() throws Exception {
        assertThat(strict.checkHost("0177.0.0.1", NO_DNS).addresses())
                .containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(strict.checkHost("0x08080808", NO_DNS).addresses())
                .containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(strict.checkHost("010.010.010.010", NO_DNS).addresses())
                .containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(strict.checkHost("1.65535", NO_DNS).addresses())
                .containsExactly(InetAddress.getByName("1.0.255.255"));
    }

    @Test
    void shouldRefuseANameIfAnyOfItsAddressesIsForbidden() throws Exception {
        EgressPolicy.NameResolver dns = fakeDns(Map.of("hooks.example.com", List.of("93.184.216.34", "10.0.0.7"),
                "rebind.example.com", List.of("::ffff:169.254.169.254")));

        EgressVerdict mixed = strict.checkHost("hooks.example.com", dns);
        assertThat(mixed.allowed()).isFalse();
        assertThat(mixed.category()).isEqualTo(EgressCategory.PRIVATE);
        assertThat(mixed.addresses()).hasSize(2);
        assertThat(strict.checkHost("Rebind.Example.Com.", dns).category()).isEqualTo(EgressCategory.METADATA);
    }

    @Test
    void shouldAllowANameWhoseAddressesAreAllPublic() throws Exception {
        EgressPolicy.NameResolver dns = fakeDns(
                Map.of("hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")));

        EgressVerdict verdict = strict.checkHost("hooks.example.com", dns);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.addresses()).hasSize(2);
        assertThat(EgressPolicy.requiresLookup("hooks.example.com")).isTrue();
    }

    @Test
    void shouldReportAnUnresolvableNameAsUnknownRatherThanRefused() {
        assertThatThrownBy(() -> strict.checkHost("nowhere.example.com", fakeDns(Map.of())))
                .isInstanceOf(UnknownHostException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "127.0.0.1", "127.8.9.10", "2130706433", "0x7f000001", "127.1", "localhost", "app.localhost", "[::1]",
            "[::ffff:127.0.0.1]" })
    void shouldAllowLoopbackWhenAllowListed(String host) throws UnknownHostException {
        EgressVerdict verdict = loopbackAllowed.checkHost(host, NO_DNS);

        assertThat(verdict.allowed()).as(verdict.reason()).isTrue();
        assertThat(verdict.category()).isEqualTo(EgressCategory.LOOPBACK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "10.0.0.1", "192.168.0.1", "169.254.169.254", "0.0.0.0", "[fe80::1]", "[::2]",
            "metadata.google.internal", "1.2.3.4.5" })
    void shouldStillRefuseWhatTheAllowListDoesNotCover(String host) throws UnknownHostException {
        assertThat(loopbackAllowed.checkHost(host, NO_DNS).allowed()).isFalse();
    }

    @Test
    void shouldNeverAllowMetadataEvenInsideAnAllowedRange() throws Exception {
        EgressPolicy linkLocal = EgressPolicy.allowing("169.254.0.0/16", "fd00::/8");

        assertThat(linkLocal.checkHost("169.254.1.1", NO_DNS).allowed()).isTrue();
        assertThat(linkLocal.checkHost("169.254.169.254", NO_DNS).allowed()).isFalse();
        assertThat(linkLocal.checkHost("[fd00:ec2::254]", NO_DNS).allowed()).isFalse();
        assertThat(EgressPolicy.allowing("0.0.0.0/0").checkHost("100.100.100.200", NO_DNS).allowed()).isFalse();
    }

    @Test
    void shouldAllowListPrivateRangesAndNamesResolvingIntoThem() throws Exception {
        EgressPolicy office = EgressPolicy.allowing("10.20.0.0/16");
        EgressPolicy.NameResolver dns = fakeDns(Map.of("hooks.corp", List.of("10.20.3.4")));

        assertThat(office.checkHost("hooks.corp", dns).allowed()).isTrue();
        assertThat(office.checkHost("10.21.0.1", NO_DNS).allowed()).isFalse();
    }

    @Test
    void shouldNameTheCategoryButNotTheResolvedAddressInTheReason() throws Exception {
        EgressVerdict verdict = strict.checkHost("internal.example.com",
                fakeDns(Map.of("internal.example.com", List.of("10.11.12.13"))));

        assertThat(verdict.reason()).isEqualTo("the host is or resolves to a private network address")
                .doesNotContain("10.11.12.13");
        assertThat(strict.checkHost("metadata.google.internal", NO_DNS).reason())
                .isEqualTo("the host is a cloud metadata service");
    }

    @Test
    void shouldClassifyAddressesDirectly() throws Exception {
        assertThat(EgressPolicy.classify(InetAddress.getByName("8.8.8.8"))).isEqualTo(EgressCategory.PUBLIC);
        assertThat(EgressPolicy.classify(CidrTests.mapped(10, 0, 0, 1))).isEqualTo(EgressCategory.PRIVATE);
        assertThat(strict.check(InetAddress.getByName("127.0.0.1")).allowed()).isFalse();
        assertThat(loopbackAllowed.check(InetAddress.getByName("::1")).allowed()).isTrue();
    }

    @Test
    void shouldReadTheUrlHostTheWayTheWebClientDoes() {
        assertThat(EgressUrl.parse("http://user:secret@0x7f000001:8080/hook?token=x"))
                .isEqualTo(new EgressUrl("http", "0x7f000001", 8080));
        assertThat(EgressUrl.parse("HTTPS://[::1]/hook")).isEqualTo(new EgressUrl("https", "[::1]", 443));
        assertThat(EgressUrl.parse("http://hooks.example.com"))
                .isEqualTo(new EgressUrl("http", "hooks.example.com", 80));
        assertThatThrownBy(() -> EgressUrl.parse("ftp://example.com/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressUrl.parse("file:///etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressUrl.parse("http:///nohost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressUrl.parse("not a url")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressUrl.parse("http://example.com:70000/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static EgressPolicy.NameResolver fakeDns(Map<String, List<String>> records) {
        return name -> {
            List<String> addresses = records.get(name);
            if (addresses == null) {
                throw new UnknownHostException(name);
            }
            InetAddress[] resolved = new InetAddress[addresses.size()];
            for (int i = 0; i < resolved.length; i++) {
                // Literals only: getByName parses them without a lookup.
                resolved[i] = InetAddress.getByName(addresses.get(i));
            }
            return resolved;
        };
    }
}
