package io.voicecore.kernel.plugins.egress;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * What kind of address a plugin's outbound connection would reach. Everything but {@link #PUBLIC} is refused
 * unless the operator allow-lists it ({@link PrivateAddressAllowList}): those addresses reach the kernel's own
 * machine, its network or the cloud's metadata service, which a tenant's URL must not be able to point at.
 *
 * <p>An IPv6 address that carries an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible
 * {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is classified by the IPv4 address it carries,
 * so {@code ::ffff:127.0.0.1} is loopback.
 */
public enum AddressClass {
    PUBLIC("public address"),
    LOOPBACK("loopback address"),
    PRIVATE("private address"),
    LINK_LOCAL("link-local address"),
    METADATA("cloud metadata address"),
    THIS_NETWORK("'this network' address"),
    SHARED("carrier-grade NAT address"),
    MULTICAST("multicast address"),
    RESERVED("reserved address");

    private final String description;

    AddressClass(String description) {
        this.description = description;
    }

    /** How refusals name the class, e.g. "private address". */
    public String description() {
        return description;
    }

    /** The class of an address. */
    public static AddressClass of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? ofIpv4(bytes) : ofIpv6(bytes);
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or {@code null}. */
    static byte[] embeddedIpv4(byte[] v6) {
        if (v6.length != 16) {
            return null;
        }
        boolean firstTenZero = allZero(v6, 0, 10);
        if (firstTenZero && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff) {
            return Arrays.copyOfRange(v6, 12, 16); // ::ffff:a.b.c.d
        }
        if (firstTenZero && v6[10] == 0 && v6[11] == 0 && !allZero(v6, 12, 15)) {
            return Arrays.copyOfRange(v6, 12, 16); // ::a.b.c.d (deprecated compatible form; :: and ::1 excluded)
        }
        if ((v6[0] & 0xff) == 0x00 && (v6[1] & 0xff) == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b
            && allZero(v6, 4, 12)) {
            return Arrays.copyOfRange(v6, 12, 16); // 64:ff9b::a.b.c.d (NAT64)
        }
        if ((v6[0] & 0xff) == 0x20 && (v6[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(v6, 2, 6); // 2002:aabb:ccdd:: (6to4)
        }
        return null;
    }

    private static AddressClass ofIpv4(byte[] b) {
        int a = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (a == 169 && second == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
            return METADATA;
        }
        if (a == 0) {
            return THIS_NETWORK;
        }
        if (a == 127) {
            return LOOPBACK;
        }
        if (a == 10 || (a == 172 && second >= 16 && second <= 31) || (a == 192 && second == 168)) {
            return PRIVATE;
        }
        if (a == 169 && second == 254) {
            return LINK_LOCAL;
        }
        if (a == 100 && second >= 64 && second <= 127) {
            return SHARED;
        }
        if (a >= 224 && a <= 239) {
            return MULTICAST;
        }
        // 192.0.0.0/24 (protocol assignments), 198.18.0.0/15 (benchmarking), 240.0.0.0/4 and the broadcast address.
        if (a >= 240 || (a == 192 && second == 0 && b[2] == 0) || (a == 198 && (second == 18 || second == 19))) {
            return RESERVED;
        }
        return PUBLIC;
    }

    private static AddressClass ofIpv6(byte[] b) {
        byte[] v4 = embeddedIpv4(b);
        if (v4 != null) {
            return ofIpv4(v4);
        }
        if (allZero(b, 0, 15)) {
            return b[15] == 1 ? LOOPBACK : b[15] == 0 ? THIS_NETWORK : RESERVED;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        // fd00:ec2::254, the metadata service of EC2 over IPv6.
        if (first == 0xfd && second == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2 && allZero(b, 4, 14)
            && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54) {
            return METADATA;
        }
        if ((first & 0xfe) == 0xfc || (first == 0xfe && (second & 0xc0) == 0xc0)) {
            return PRIVATE; // fc00::/7 unique local, fec0::/10 the deprecated site-local
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return LINK_LOCAL; // fe80::/10
        }
        if (first == 0xff) {
            return MULTICAST;
        }
        return PUBLIC;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
