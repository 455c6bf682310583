package dev.weft.server;

import dev.weft.poller.PollFile;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the server's listening sockets: SO_REUSEADDR, SO_REUSEPORT (with {@link AcceptMode#REUSEPORT} one listener
 * per acceptor, the kernel spreading new connections across them; with the default shared listener, a group of
 * one), and TCP_DEFER_ACCEPT when asked (accept only once the client's first bytes are there: the first read then
 * does not park — ~48 → ~24 server CPU-µs per connection on the prototype in ../shared/notes/connection-cost.md).
 *
 * <p>The reuse-port group is formed by this server alone (issue 11, item 1: with SO_REUSEPORT on every socket, a
 * second server on the same port used to join the first one's group silently and take half its connections).
 * Before the group binds, a probe socket binds the address <em>without</em> SO_REUSEPORT: if any socket holds the
 * port — another weft server, a plain {@code ServerSocket}, anything — the probe gets EADDRINUSE and the server
 * fails with {@link BindException} naming the address. Then the probe is closed and the group binds: the first
 * listener to the address, the others to the port it got. Port 0 needs no probe (the kernel picks a free
 * port). What remains: a process that binds the same port with SO_REUSEPORT under the same user <em>after</em>
 * the group formed (or in the moment between probe and group) joins it — the kernel allows that by design, and
 * no socket option refuses it; run services that must not share a port under different users.
 */
final class Listener {
    /** Seconds TCP_DEFER_ACCEPT waits for data before accepting anyway (the kernel rounds it to SYN-ACK retries). */
    static final int DEFER_ACCEPT_SECONDS = 1;

    private Listener() {}

    /**
     * Opens {@code count} listeners on {@code address} (a reuse-port group when more than one), after checking
     * that no other socket holds the address.
     *
     * @throws BindException if the address is in use
     */
    static List<ListeningSocket> openGroup(InetSocketAddress address, int count, int backlog, boolean deferAccept,
                                    AcceptedSocketOptions options) throws IOException {
        if (address.getPort() != 0) {
            probe(address);
        }
        List<ListeningSocket> opened = new ArrayList<>(count);
        try {
            InetSocketAddress target = address;
            for (int i = 0; i < count; i++) {
                ListeningSocket listener = open(target, backlog, deferAccept, options);
                opened.add(listener);
                if (i == 0) {
                    target = Sockets.localAddress(listener.fd()); // port 0: the others join the chosen port
                }
            }
            return opened;
        } catch (IOException | RuntimeException | Error e) {
            opened.forEach(ListeningSocket::close);
            throw e;
        }
    }

    /** Binds a throw-away socket to {@code address} without SO_REUSEPORT: EADDRINUSE if anyone holds it. */
    private static void probe(InetSocketAddress address) throws IOException {
        PollFile probe = PollFile.ofSocket(Sockets.socket(SockAddr.family(address.getAddress())));
        try {
            Sockets.setInt(probe.fd(), Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1); // TIME_WAIT is no conflict
            bind(probe.fd(), address);
        } finally {
            probe.close();
        }
    }

    /** A blocking listening socket: its acceptors sleep in accept4 ({@link ListeningSocket}). */
    private static ListeningSocket open(InetSocketAddress address, int backlog, boolean deferAccept,
                                        AcceptedSocketOptions options) throws IOException {
        int fd = Sockets.blockingSocket(SockAddr.family(address.getAddress()));
        ListeningSocket listener = new ListeningSocket(fd);
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1);
            if (deferAccept) {
                Sockets.setInt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_DEFER_ACCEPT, DEFER_ACCEPT_SECONDS);
            }
            options.applyTo(fd); // inherited by every accepted connection
            bind(fd, address);
            Sockets.listen(fd, backlog);
            return listener;
        } catch (IOException | RuntimeException | Error e) {
            listener.close();
            throw e;
        }
    }

    /** 127.0.0.1:8080, [::1]:8080: the address as a user types it. */
    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** bind(2), with EADDRINUSE as the {@link BindException} every Java server throws. */
    private static void bind(int fd, InetSocketAddress address) throws IOException {
        try {
            Sockets.bind(fd, address);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EADDRINUSE) {
                BindException b = new BindException("Address already in use: " + text(address));
                b.initCause(e);
                throw b;
            }
            throw e;
        }
    }
}
