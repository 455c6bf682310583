package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Encodes and decodes {@code struct sockaddr_in} / {@code sockaddr_in6}. No policy.
 *
 * <pre>
 * struct sockaddr_in  { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; char zero[8]; };  // 16
 * struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo;
 *                       struct in6_addr sin6_addr; uint32_t sin6_scope_id; };                                // 28
 * </pre>
 * The family is in host order, the port in network (big-endian) order.
 */
public final class SockAddr {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_storage). */
    static final int STORAGE_BYTES = 128;
    private static final int IN_BYTES = 16;
    private static final int IN6_BYTES = 28;
    private static final ValueLayout.OfShort PORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {}

    /** A zeroed sockaddr_storage in a heap segment (passed to critical downcalls). */
    static MemorySegment storage() {
        return MemorySegment.ofArray(new long[STORAGE_BYTES / Long.BYTES]);
    }

    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** Writes {@code address} into {@code storage}; returns the length to pass as socklen_t. */
    static int encode(InetSocketAddress address, MemorySegment storage) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        InetAddress ip = address.getAddress();
        byte[] bytes = ip.getAddress();
        storage.set(JAVA_SHORT_UNALIGNED, 0, (short) family(ip));
        storage.set(PORT, 2, (short) address.getPort());
        if (ip instanceof Inet4Address) {
            MemorySegment.copy(bytes, 0, storage, JAVA_BYTE, 4, 4);
            return IN_BYTES;
        }
        MemorySegment.copy(bytes, 0, storage, JAVA_BYTE, 8, 16);
        storage.set(ValueLayout.JAVA_INT_UNALIGNED, 24, ((Inet6Address) ip).getScopeId());
        return IN6_BYTES;
    }

    /** Reads a sockaddr_in or sockaddr_in6 from {@code storage}. */
    static InetSocketAddress decode(MemorySegment storage) {
        int family = storage.get(JAVA_SHORT_UNALIGNED, 0);
        int port = Short.toUnsignedInt(storage.get(PORT, 2));
        byte[] bytes = switch (family) {
            case AF_INET -> storage.asSlice(4, 4).toArray(JAVA_BYTE);
            case AF_INET6 -> storage.asSlice(8, 16).toArray(JAVA_BYTE);
            default -> throw new IllegalArgumentException("not an IP socket address, family " + family);
        };
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // impossible: the length is 4 or 16
        }
    }
}
