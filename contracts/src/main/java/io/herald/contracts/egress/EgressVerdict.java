package io.herald.contracts.egress;

import java.net.InetAddress;
import java.util.List;

/**
 * The egress policy's answer for one host or address.
 *
 * @param host the host as given (a name or a literal)
 * @param addresses what the host denotes or resolved to, every one of them checked; empty when refused by name
 * @param category when refused, the category of the first refused address (or of the name); when allowed,
 *        {@link EgressCategory#PUBLIC} or, if an allow-listed CIDR let it through, that address's category
 * @param allowed whether a connection to {@code addresses} may be made
 */
public record EgressVerdict(String host, List<InetAddress> addresses, EgressCategory category, boolean allowed) {

    public EgressVerdict {
        addresses = List.copyOf(addresses);
    }

    /**
     * Why it was refused, naming the category but no resolved address: a tenant must not learn through its attempt log
     * what an internal name resolves to.
     */
    public String reason() {
        if (allowed) {
            return "allowed";
        }
        return switch (category) {
            case INVALID_HOST -> "the host is not a valid name or address";
            case METADATA -> "the host is a cloud metadata service";
            default -> "the host is or resolves to a " + category.description() + " address";
        };
    }
}
