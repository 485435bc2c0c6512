package io.herald.dispatch.http;

/**
 * Every connection the host-level cap allows to the endpoint's host is in use by other deliveries: no request was made.
 * Not a failure of the endpoint: the delivery is postponed without counting a try.
 */
public class HostBusyException extends RuntimeException {

    public HostBusyException(String host, int cap) {
        super("All " + cap + " connections allowed to " + host + " are in use", null, false, false);
    }
}
