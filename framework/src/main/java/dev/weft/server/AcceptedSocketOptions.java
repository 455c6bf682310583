package dev.weft.server;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Sockets;

/**
 * Socket options for every accepted connection, set once on the listening sockets: Linux copies SO_KEEPALIVE,
 * TCP_NODELAY, SO_RCVBUF and SO_SNDBUF from a listener to each connection it accepts, so they cost no syscall per
 * connection ({@code AcceptedSocketOptionsTest} reads them back from accepted connections). A null option leaves
 * the kernel's default.
 *
 * @param keepAlive         SO_KEEPALIVE, or null
 * @param tcpNoDelay        TCP_NODELAY, or null
 * @param receiveBufferSize SO_RCVBUF in bytes (&gt; 0), or null
 * @param sendBufferSize    SO_SNDBUF in bytes (&gt; 0), or null
 */
public record AcceptedSocketOptions(Boolean keepAlive, Boolean tcpNoDelay, Integer receiveBufferSize,
                                    Integer sendBufferSize) {
    /** Every option left to the kernel (weft's default). */
    public static final AcceptedSocketOptions KERNEL_DEFAULTS = new AcceptedSocketOptions(null, null, null, null);

    /** Validates the buffer sizes; throws {@link IllegalArgumentException} naming a bad one. */
    public AcceptedSocketOptions {
        if (receiveBufferSize != null && receiveBufferSize < 1) {
            throw new IllegalArgumentException("receiveBufferSize must be positive, was " + receiveBufferSize);
        }
        if (sendBufferSize != null && sendBufferSize < 1) {
            throw new IllegalArgumentException("sendBufferSize must be positive, was " + sendBufferSize);
        }
    }

    /** Sets the given options on a listening socket, before it listens. */
    void applyTo(int listenerFd) throws ErrnoException {
        if (keepAlive != null) {
            Sockets.setInt(listenerFd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, keepAlive ? 1 : 0);
        }
        if (tcpNoDelay != null) {
            Sockets.setInt(listenerFd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, tcpNoDelay ? 1 : 0);
        }
        if (receiveBufferSize != null) {
            Sockets.setInt(listenerFd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, receiveBufferSize);
        }
        if (sendBufferSize != null) {
            Sockets.setInt(listenerFd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, sendBufferSize);
        }
    }
}
