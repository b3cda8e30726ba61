package io.voicecore.kernel.plugins.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;

/**
 * The operator's exceptions to the refusal of non-public addresses (configuration key
 * {@code plugins.egress.allow-private}): address ranges in CIDR notation ({@code 127.0.0.1/32}, {@code 10.20.0.0/16},
 * {@code ::1/128}), single addresses, or host names, which allow whatever that exact name resolves to. Empty by
 * default, so a production kernel reaches no private, loopback, link-local or metadata address at all.
 */
public final class PrivateAddressAllowList {
    /** What the test kernels and the plugin test kit allow, so local stand-ins on the loopback interface can be reached. */
    public static final String LOOPBACK = "127.0.0.0/8,::1/128";

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<String> entries;
    private final List<Range> ranges;
    private final List<String> hosts;

    private PrivateAddressAllowList(List<String> entries, List<Range> ranges, List<String> hosts) {
        this.entries = List.copyOf(entries);
        this.ranges = List.copyOf(ranges);
        this.hosts = List.copyOf(hosts);
    }

    /**
     * The operator's list, from {@link KernelConfig#egressAllowPrivate()}.
     *
     * @throws ConfigException naming the key and the first entry that is not understood
     */
    public static PrivateAddressAllowList of(KernelConfig config) {
        try {
            return parse(config.egressAllowPrivate());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("plugins.egress.allow-private: " + e.getMessage() + " (environment variable "
                                      + ConfigLoader.environmentName("plugins.egress.allow-private") + ")");
        }
    }

    /** Allows nothing that is not public. */
    public static PrivateAddressAllowList none() {
        return new PrivateAddressAllowList(List.of(), List.of(), List.of());
    }

    /**
     * Parses the entries.
     *
     * @throws IllegalArgumentException naming the first entry that is neither a CIDR range, an address nor a host name
     */
    public static PrivateAddressAllowList parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (EgressHosts.isIpLiteral(EgressHosts.normalize(address))) {
                byte[] network = literal(EgressHosts.normalize(address), raw);
                int prefix = slash < 0 ? network.length * 8 : prefix(entry.substring(slash + 1), network.length * 8, raw);
                ranges.add(new Range(network, prefix));
            } else if (slash < 0 && entry.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                hosts.add(entry);
            } else {
                throw new IllegalArgumentException("'" + raw + "' is neither an address range such as 10.0.0.0/8, an address, nor a host name");
            }
        }
        return new PrivateAddressAllowList(entries.stream().map(String::strip).filter(e -> !e.isEmpty()).toList(), ranges, hosts);
    }

    /** Whether a connection to {@code address}, resolved from {@code host}, is allowed although the address is not public. */
    public boolean allows(String host, InetAddress address) {
        if (hosts.contains(EgressHosts.normalize(host))) {
            return true;
        }
        byte[] bytes = address.getAddress();
        byte[] v4 = AddressClass.embeddedIpv4(bytes);
        for (Range range : ranges) {
            if (range.contains(bytes) || (v4 != null && range.contains(v4))) {
                return true;
            }
        }
        return false;
    }

    /** The entries as configured. */
    public List<String> entries() {
        return entries;
    }

    private static byte[] literal(String text, String raw) {
        if (!text.contains(":") && !text.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("'" + raw + "' is not an IPv4 address in dotted form (a.b.c.d)");
        }
        try {
            // A literal: no name is looked up.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a valid IP address");
        }
    }

    private static int prefix(String text, int max, String raw) {
        try {
            int prefix = Integer.parseInt(text);
            if (prefix >= 0 && prefix <= max) {
                return prefix;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new IllegalArgumentException("'" + raw + "' has a prefix length that is not between 0 and " + max);
    }
}
