package io.voicecore.kernel.plugins.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up the addresses of a host name for a plugin's outbound connection. The kernel uses the system's resolver;
 * tests put in their own, so a name can stand for a private address without any DNS.
 */
@FunctionalInterface
public interface EgressResolver {
    /** The system's resolver. */
    EgressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of a host name (never called for IP literals).
     *
     * @throws UnknownHostException when the name has no address
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
