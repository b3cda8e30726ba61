package io.voicecore.kernel.plugins.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Address classification agrees with a table of ranges written plainly as CIDR, on random addresses drawn from
 * each range and from anywhere; an IPv6 form carrying an IPv4 address is classified as that IPv4 address.
 */
class AddressClassProperties {
    /** The reference: the first range that contains an address decides its class; none of them means public. */
    record Range(String cidr, AddressClass kind) {
        boolean contains(int address) {
            String[] parts = cidr.split("/");
            int prefix = Integer.parseInt(parts[1]);
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            return (address & mask) == (ipv4(parts[0]) & mask);
        }
    }

    static final List<Range> IPV4 = List.of(
            new Range("169.254.169.254/32", AddressClass.METADATA),
            new Range("0.0.0.0/8", AddressClass.THIS_NETWORK),
            new Range("127.0.0.0/8", AddressClass.LOOPBACK),
            new Range("10.0.0.0/8", AddressClass.PRIVATE),
            new Range("172.16.0.0/12", AddressClass.PRIVATE),
            new Range("192.168.0.0/16", AddressClass.PRIVATE),
            new Range("169.254.0.0/16", AddressClass.LINK_LOCAL),
            new Range("100.64.0.0/10", AddressClass.SHARED),
            new Range("224.0.0.0/4", AddressClass.MULTICAST),
            new Range("240.0.0.0/4", AddressClass.RESERVED),
            new Range("192.0.0.0/24", AddressClass.RESERVED),
            new Range("198.18.0.0/15", AddressClass.RESERVED));

    static AddressClass reference(int address) {
        return IPV4.stream().filter(range -> range.contains(address)).map(Range::kind).findFirst().orElse(AddressClass.PUBLIC);
    }

    @Property(tries = 5000)
    void anyIpv4AddressIsClassifiedAsTheTableSays(@ForAll("ipv4") int address) throws UnknownHostException {
        assertEquals(reference(address), AddressClass.of(InetAddress.getByAddress(bytes(address))), text(address));
    }

    @Property(tries = 3000)
    void anIpv6FormCarryingAnIpv4AddressIsClassifiedAsThatAddress(@ForAll("ipv4") int address) throws UnknownHostException {
        byte[] v4 = bytes(address);
        AddressClass expected = reference(address);
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        byte[] nat64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, v4[0], v4[1], v4[2], v4[3]};
        byte[] sixToFour = {0x20, 0x02, v4[0], v4[1], v4[2], v4[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        // getByAddress turns the mapped form into an Inet4Address; the classification must not depend on that.
        assertEquals(expected, AddressClass.of(InetAddress.getByAddress(mapped)));
        assertEquals(expected, AddressClass.of(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals(expected, AddressClass.of(InetAddress.getByAddress(nat64)), "NAT64 " + text(address));
        assertEquals(expected, AddressClass.of(InetAddress.getByAddress(sixToFour)), "6to4 " + text(address));
    }

    @Property(tries = 2000)
    void uniqueLocalAndLinkLocalIpv6AreNeverPublic(@ForAll("ipv6Suffix") byte[] suffix, @ForAll boolean linkLocal)
            throws UnknownHostException {
        byte[] address = suffix.clone();
        if (linkLocal) {
            address[0] = (byte) 0xfe;
            address[1] = (byte) (0x80 | (address[1] & 0x3f));
        } else {
            address[0] = (byte) (0xfc | (address[0] & 0x01));
        }
        AddressClass kind = AddressClass.of(InetAddress.getByAddress(address));
        assertTrue(linkLocal ? kind == AddressClass.LINK_LOCAL : kind == AddressClass.PRIVATE || kind == AddressClass.METADATA,
                   kind + " for " + InetAddress.getByAddress(address).getHostAddress());
    }

    @Example
    void documentedAddresses() throws UnknownHostException {
        assertEquals(AddressClass.LOOPBACK, of("::1"));
        assertEquals(AddressClass.THIS_NETWORK, of("::"));
        assertEquals(AddressClass.METADATA, of("fd00:ec2::254"));
        assertEquals(AddressClass.METADATA, of("169.254.169.254"));
        assertEquals(AddressClass.LOOPBACK, of("::ffff:127.0.0.1"));
        assertEquals(AddressClass.PRIVATE, of("::ffff:10.1.2.3"));
        assertEquals(AddressClass.LINK_LOCAL, of("fe80::1"));
        assertEquals(AddressClass.PRIVATE, of("fd12:3456::1"));
        assertEquals(AddressClass.SHARED, of("100.100.100.200"));
        assertEquals(AddressClass.MULTICAST, of("ff02::1"));
        assertEquals(AddressClass.PUBLIC, of("2606:4700::1111"));
        assertEquals(AddressClass.PUBLIC, of("8.8.8.8"));
        assertEquals(AddressClass.PUBLIC, of("172.32.0.1"));
        assertEquals(AddressClass.PUBLIC, of("100.128.0.1"));
    }

    @Provide
    Arbitrary<Integer> ipv4() {
        // Half drawn from the special ranges (so each is hit often), half from anywhere.
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE);
        Arbitrary<Integer> special = Arbitraries.of(IPV4).flatMap(range -> {
            String[] parts = range.cidr().split("/");
            int hostBits = 32 - Integer.parseInt(parts[1]);
            int base = ipv4(parts[0]);
            // The neighbours just outside each range too, where an off-by-one would show.
            return Arbitraries.longs().between(-2, hostBits == 0 ? 2 : (1L << hostBits) + 1).map(offset -> (int) (base + offset));
        });
        return Arbitraries.oneOf(anywhere, special);
    }

    @Provide
    Arbitrary<byte[]> ipv6Suffix() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16);
    }

    private static AddressClass of(String literal) throws UnknownHostException {
        return AddressClass.of(InetAddress.getByName(literal));
    }

    static int ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    private static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static String text(int address) {
        byte[] b = bytes(address);
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
}
