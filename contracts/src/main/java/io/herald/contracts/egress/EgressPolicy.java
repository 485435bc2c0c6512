package io.herald.contracts.egress;

import static io.herald.contracts.egress.EgressCategory.BROADCAST;
import static io.herald.contracts.egress.EgressCategory.DOCUMENTATION;
import static io.herald.contracts.egress.EgressCategory.INVALID_HOST;
import static io.herald.contracts.egress.EgressCategory.LINK_LOCAL;
import static io.herald.contracts.egress.EgressCategory.LOOPBACK;
import static io.herald.contracts.egress.EgressCategory.METADATA;
import static io.herald.contracts.egress.EgressCategory.MULTICAST;
import static io.herald.contracts.egress.EgressCategory.PRIVATE;
import static io.herald.contracts.egress.EgressCategory.PUBLIC;
import static io.herald.contracts.egress.EgressCategory.RESERVED;
import static io.herald.contracts.egress.EgressCategory.SHARED_ADDRESS_SPACE;
import static io.herald.contracts.egress.EgressCategory.THIS_NETWORK;
import static io.herald.contracts.egress.EgressCategory.UNSPECIFIED;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SSRF guard: which destinations a webhook may be sent to. One implementation, used by subscription-service when an
 * endpoint is registered and by dispatch-service on the address it actually connects to (DNS can change between the
 * two).
 * <p>
 * Only globally routable unicast addresses are allowed. Refused: loopback, private (RFC 1918, fc00::/7, fec0::/10),
 * link-local, carrier-grade NAT, multicast, unspecified, broadcast, 0.0.0.0/8, the non-global special-purpose ranges of
 * the IANA registries, the documentation ranges (never routed on the Internet, so reachable only inside some network),
 * IPv6 outside 2000::/3, cloud metadata services, and the IPv6 forms that embed one of those IPv4 addresses
 * (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4
 * 2002::/16). IPv4-compatible and -translated forms of public addresses are refused too (deprecated, unrouted), as is
 * Teredo (its embedded address cannot be trusted); NAT64 and 6to4 forms of public addresses are allowed (DNS64 networks
 * produce them for ordinary names).
 * <p>
 * An allow-list of CIDRs (for local and test profiles, e.g. {@code 127.0.0.0/8,::1/128}) lifts a refusal for the
 * addresses it covers, except for cloud metadata, which is never allowed.
 * <p>
 * Hosts are read the way browsers and the C library read them: numeric IPv4 forms in decimal, hex and octal
 * ({@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1}, {@code 127.1}) are parsed here, never sent to DNS;
 * {@code localhost} and {@code *.localhost} are loopback without a lookup (RFC 6761); metadata host names are refused
 * by name. Every address a name resolves to must be allowed, and the caller must connect to one of the checked
 * addresses, never re-resolve the name.
 */
public final class EgressPolicy {

    /** Resolves a host name to its addresses; may block. */
    @FunctionalInterface
    public interface NameResolver {

        /** The JDK's resolver (the system's, with the JDK's cache). */
        NameResolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    /**
     * Instance metadata services: AWS IMDS (also GCP, Azure, OpenStack, DigitalOcean, Oracle at 169.254.169.254), AWS
     * ECS task credentials 169.254.170.2, EKS Pod Identity 169.254.170.23 and fd00:ec2::23, AWS IMDS over IPv6
     * fd00:ec2::254, GCP over IPv6 fd20:ce::254, Alibaba 100.100.100.200, Azure's host endpoint (WireServer)
     * 168.63.129.16 (a public address, hence listed), Oracle Cloud Classic 192.0.0.192.
     */
    private static final List<Cidr> METADATA_ADDRESSES = cidrs("169.254.169.254/32", "169.254.170.2/32",
            "169.254.170.23/32", "100.100.100.200/32", "168.63.129.16/32", "192.0.0.192/32", "fd00:ec2::254/128",
            "fd00:ec2::23/128", "fd20:ce::254/128");
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog",
            "instance-data", "instance-data.ec2.internal");

    /** First match wins, so more specific ranges come first. */
    private static final List<Range> IPV4_RANGES = List.of(range("255.255.255.255/32", BROADCAST),
            range("0.0.0.0/32", UNSPECIFIED), range("0.0.0.0/8", THIS_NETWORK), range("127.0.0.0/8", LOOPBACK),
            range("10.0.0.0/8", PRIVATE), range("172.16.0.0/12", PRIVATE), range("192.168.0.0/16", PRIVATE),
            range("100.64.0.0/10", SHARED_ADDRESS_SPACE), range("169.254.0.0/16", LINK_LOCAL),
            // IETF protocol assignments (DS-Lite, NAT64 discovery, ...), deprecated 6to4 relay anycast, benchmarking.
            range("192.0.0.0/24", RESERVED), range("192.88.99.0/24", RESERVED), range("198.18.0.0/15", RESERVED),
            range("192.0.2.0/24", DOCUMENTATION), range("198.51.100.0/24", DOCUMENTATION),
            range("203.0.113.0/24", DOCUMENTATION), range("224.0.0.0/4", MULTICAST), range("240.0.0.0/4", RESERVED));
    private static final List<Range> IPV6_RANGES = List.of(range("fe80::/10", LINK_LOCAL), range("fec0::/10", PRIVATE),
            range("fc00::/7", PRIVATE), range("ff00::/8", MULTICAST), range("2001:db8::/32", DOCUMENTATION),
            range("3fff::/20", DOCUMENTATION),
            // Teredo, benchmarking, deprecated ORCHID, NAT64 local-use.
            range("2001::/32", RESERVED), range("2001:2::/48", RESERVED), range("2001:10::/28", RESERVED),
            range("64:ff9b:1::/48", RESERVED));
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");
    private static final InetAddress LOOPBACK_V4 = Addresses.byAddress(new byte[] { 127, 0, 0, 1 });

    private final List<Cidr> allowed;

    private EgressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** No exceptions: the production policy. */
    public static EgressPolicy strict() {
        return new EgressPolicy(List.of());
    }

    /** Refusals lifted for addresses in {@code cidrs} (except cloud metadata). */
    public static EgressPolicy allowing(Collection<Cidr> cidrs) {
        return new EgressPolicy(new ArrayList<>(cidrs));
    }

    /**
     * Like {@link #allowing(Collection)}, from CIDR strings.
     *
     * @throws IllegalArgumentException if one is not a valid CIDR
     */
    public static EgressPolicy allowing(String... cidrs) {
        return new EgressPolicy(cidrs(cidrs));
    }

    public List<Cidr> allowedCidrs() {
        return allowed;
    }

    /** The category of an address, before any allow-list. */
    public static EgressCategory classify(InetAddress address) {
        InetAddress unmapped = Addresses.unmapped(address);
        byte[] bytes = unmapped.getAddress();
        return unmapped instanceof Inet4Address ? classifyIpv4(unmapped) : classifyIpv6(unmapped, bytes);
    }

    /** Whether a connection to {@code address} may be made. */
    public EgressVerdict check(InetAddress address) {
        return checkAll(address.getHostAddress(), List.of(address));
    }

    /**
     * Checks a host (a name, an IPv4 form or an IPv6 literal with or without brackets) with the system resolver. May
     * block on DNS, unless {@link #requiresLookup(String)} is false.
     *
     * @throws UnknownHostException if a name does not resolve
     */
    public EgressVerdict checkHost(String host) throws UnknownHostException {
        return checkHost(host, NameResolver.SYSTEM);
    }

    /**
     * Checks a host, resolving names with {@code resolver}; literals and {@code localhost} names never reach it. Every
     * resolved address must be allowed.
     *
     * @throws UnknownHostException if a name does not resolve
     */
    public EgressVerdict checkHost(String host, NameResolver resolver) throws UnknownHostException {
        ParsedHost parsed = ParsedHost.parse(host);
        if (parsed.refusal() != null) {
            return new EgressVerdict(host, List.of(), parsed.refusal(), false);
        }
        if (parsed.addresses() != null) {
            return checkAll(host, parsed.addresses());
        }
        InetAddress[] resolved = resolver.resolve(parsed.name());
        if (resolved == null || resolved.length == 0) {
            throw new UnknownHostException(parsed.name());
        }
        return checkAll(host, List.of(resolved));
    }

    /**
     * Checks the host of an absolute http(s) URL (see {@link EgressUrl}) with the system resolver.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     * @throws UnknownHostException if its host name does not resolve
     */
    public EgressVerdict checkUrl(String url) throws UnknownHostException {
        return checkHost(EgressUrl.parse(url).host());
    }

    /**
     * Whether checking {@code host} needs a DNS lookup (it is a name other than a {@code localhost} or metadata one).
     */
    public static boolean requiresLookup(String host) {
        ParsedHost parsed = ParsedHost.parse(host);
        return parsed.refusal() == null && parsed.addresses() == null;
    }

    @Override
    public String toString() {
        return "EgressPolicy" + allowed;
    }

    private EgressVerdict checkAll(String host, List<InetAddress> addresses) {
        EgressCategory allowedCategory = PUBLIC;
        for (InetAddress address : addresses) {
            EgressCategory category = classify(address);
            if (category == PUBLIC) {
                continue;
            }
            if (!category.allowListable() || !isAllowListed(address)) {
                return new EgressVerdict(host, addresses, category, false);
            }
            if (allowedCategory == PUBLIC) {
                allowedCategory = category;
            }
        }
        return new EgressVerdict(host, addresses, allowedCategory, true);
    }

    private boolean isAllowListed(InetAddress address) {
        InetAddress unmapped = Addresses.unmapped(address);
        for (Cidr cidr : allowed) {
            if (cidr.contains(address) || cidr.contains(unmapped)) {
                return true;
            }
        }
        return false;
    }

    private static EgressCategory classifyIpv4(InetAddress address) {
        return match(address, IPV4_RANGES);
    }

    private static EgressCategory classifyIpv6(InetAddress address, byte[] bytes) {
        if (Addresses.isZero(bytes, 0, 16)) {
            return UNSPECIFIED;
        }
        if (Addresses.isZero(bytes, 0, 15) && bytes[15] == 1) {
            return LOOPBACK;
        }
        boolean compatible = Addresses.isZero(bytes, 0, 12);
        boolean translated = Addresses.isZero(bytes, 0, 8) && bytes[8] == (byte) 0xff && bytes[9] == (byte) 0xff
                && bytes[10] == 0 && bytes[11] == 0;
        if (compatible || translated) {
            EgressCategory embedded = classifyIpv4(Addresses.ipv4At(bytes, 12));
            return embedded == PUBLIC ? RESERVED : embedded;
        }
        if (NAT64.contains(address)) {
            return classifyIpv4(Addresses.ipv4At(bytes, 12));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return classifyIpv4(Addresses.ipv4At(bytes, 2));
        }
        EgressCategory category = match(address, IPV6_RANGES);
        if (category == PUBLIC && !GLOBAL_UNICAST.contains(address)) {
            return RESERVED;
        }
        return category;
    }

    private static EgressCategory match(InetAddress address, List<Range> ranges) {
        for (Cidr metadata : METADATA_ADDRESSES) {
            if (metadata.contains(address)) {
                return METADATA;
            }
        }
        for (Range range : ranges) {
            if (range.cidr().contains(address)) {
                return range.category();
            }
        }
        return PUBLIC;
    }

    private static Range range(String cidr, EgressCategory category) {
        return new Range(Cidr.parse(cidr), category);
    }

    private static List<Cidr> cidrs(String... cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(Cidr.parse(cidr));
        }
        return parsed;
    }

    private record Range(Cidr cidr, EgressCategory category) {
    }

    /**
     * A host read without DNS: exactly one of {@code refusal} (refused by its form or name), {@code addresses} (a
     * literal or a {@code localhost} name) or {@code name} (to resolve) is set.
     */
    private record ParsedHost(EgressCategory refusal, List<InetAddress> addresses, String name) {

        static ParsedHost parse(String host) {
            if (host == null || host.isEmpty()) {
                return new ParsedHost(INVALID_HOST, null, null);
            }
            try {
                if (host.startsWith("[") || host.indexOf(':') >= 0) {
                    return new ParsedHost(null, List.of(Addresses.parseIpv6(host)), null);
                }
                String name = host.toLowerCase(Locale.ROOT);
                InetAddress ipv4 = Addresses.parseIpv4(name);
                if (ipv4 != null) {
                    return new ParsedHost(null, List.of(ipv4), null);
                }
                if (name.endsWith(".")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
                    return new ParsedHost(INVALID_HOST, null, null);
                }
                if (name.equals("localhost") || name.endsWith(".localhost")) {
                    return new ParsedHost(null, List.of(LOOPBACK_V4), null);
                }
                if (METADATA_NAMES.contains(name)) {
                    return new ParsedHost(METADATA, null, null);
                }
                return new ParsedHost(null, null, name);
            } catch (Addresses.InvalidHostException e) {
                return new ParsedHost(INVALID_HOST, null, null);
            }
        }
    }
}
