package io.voicecore.kernel.plugins.egress;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;

/**
 * The egress client's DNS: called by the HTTP client for every new connection, right before it connects, with the
 * request's host. It resolves the host once, refuses when any answer is a non-public address the operator did not
 * allow ({@link PrivateAddressRefused}), and otherwise hands the client the one address it then connects to, so a
 * second DNS answer (DNS rebinding) can never switch the connection to another address after the check.
 */
final class PinnedAddresses implements DnsResolver {
    private final EgressResolver resolver;
    private final PrivateAddressAllowList allowList;

    PinnedAddresses(EgressResolver resolver, PrivateAddressAllowList allowList) {
        this.resolver = resolver;
        this.allowList = allowList;
    }

    @Override
    public boolean useDefaultJavaResolver() {
        return false;
    }

    @Override
    public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
        String host = EgressHosts.normalize(hostname);
        InetAddress[] answers = lookup.filter(addresses(host).toArray(InetAddress[]::new));
        if (answers.length == 0) {
            throw new UncheckedIOException(new UnknownHostException("no usable address for " + host));
        }
        for (InetAddress address : answers) {
            check(host, address);
        }
        try {
            // The address with the request's host name attached: TLS checks the certificate against the name, never the address.
            return InetAddress.getByAddress(host, answers[0].getAddress());
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws {@link PrivateAddressRefused} unless the address is public or allow-listed. */
    void check(String host, InetAddress address) {
        AddressClass kind = AddressClass.of(address);
        if (kind != AddressClass.PUBLIC && !allowList.allows(host, address)) {
            throw new PrivateAddressRefused(host, address, kind);
        }
    }

    private List<InetAddress> addresses(String host) {
        try {
            if (EgressHosts.isIpLiteral(host)) {
                return List.of(InetAddress.getByName(host));
            }
            List<InetAddress> answers = resolver.resolve(host);
            if (answers.isEmpty()) {
                throw new UnknownHostException(host);
            }
            return answers;
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection the kernel would not make: the address is private, loopback, link-local, metadata or otherwise not public. */
    static final class PrivateAddressRefused extends RuntimeException {
        private final String host;
        private final InetAddress address;
        private final AddressClass kind;

        PrivateAddressRefused(String host, InetAddress address, AddressClass kind) {
            super(describe(host, address, kind), null, false, false);
            this.host = host;
            this.address = address;
            this.kind = kind;
        }

        String host() {
            return host;
        }

        String address() {
            return address.getHostAddress();
        }

        AddressClass kind() {
            return kind;
        }

        private static String describe(String host, InetAddress address, AddressClass kind) {
            String literal = address.getHostAddress();
            String origin = EgressHosts.isIpLiteral(host) ? "" : ", resolved from " + host;
            return "egress to " + literal + " (" + kind.description() + origin + ") is refused: add it to "
                   + "plugins.egress.allow-private to allow it";
        }
    }
}
