package io.herald.contracts.egress;

/**
 * What kind of destination an address (or host name) is, as far as the SSRF guard is concerned. Every category but
 * {@link #PUBLIC} is refused unless an allow-listed CIDR covers the address; {@link #METADATA} and
 * {@link #INVALID_HOST} are refused even then.
 */
public enum EgressCategory {

    /** Globally routable unicast: allowed. */
    PUBLIC("public"),
    /** 127.0.0.0/8, ::1, and the {@code localhost} names. */
    LOOPBACK("loopback"),
    /** RFC 1918 (10/8, 172.16/12, 192.168/16), IPv6 unique local fc00::/7 and deprecated site-local fec0::/10. */
    PRIVATE("private network"),
    /** 169.254.0.0/16, fe80::/10. */
    LINK_LOCAL("link-local"),
    /** 100.64.0.0/10, the carrier-grade NAT shared address space (RFC 6598). */
    SHARED_ADDRESS_SPACE("carrier-grade NAT (shared address space)"),
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST("multicast"),
    /** 0.0.0.0 and :: (connecting to them reaches the local host on most systems). */
    UNSPECIFIED("unspecified"),
    /** 255.255.255.255. */
    BROADCAST("broadcast"),
    /** 0.0.0.0/8 ("this network", RFC 791). */
    THIS_NETWORK("'this network' (0.0.0.0/8)"),
    /**
     * Special-purpose ranges that are not globally reachable: 192.0.0.0/24, 198.18.0.0/15, 192.88.99.0/24, 240.0.0.0/4,
     * Teredo, benchmarking, discard-only, deprecated IPv4-compatible forms, and IPv6 outside 2000::/3.
     */
    RESERVED("reserved (special-purpose)"),
    /** 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20: never routed on the Internet. */
    DOCUMENTATION("documentation"),
    /** Cloud instance metadata services, by address or by name; never allowed, whatever the allow-list says. */
    METADATA("cloud metadata"),
    /** A host that is neither a valid name nor a valid address (e.g. {@code 1.2.3.4.5}, {@code 256.0.0.1}). */
    INVALID_HOST("invalid host");

    private final String description;

    EgressCategory(String description) {
        this.description = description;
    }

    /** A short phrase for messages, e.g. {@code "private network"}. */
    public String description() {
        return description;
    }

    /** Whether an allow-listed CIDR can lift the refusal. */
    public boolean allowListable() {
        return this != METADATA && this != INVALID_HOST && this != PUBLIC;
    }
}
