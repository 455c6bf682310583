package dev.weft.server;

import dev.weft.poller.PollFile;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Opens one listening socket: SO_REUSEADDR, SO_REUSEPORT (one listener per acceptor; the kernel spreads new
 * connections across them, so acceptors never contend for one accept queue or wake as a herd), and
 * TCP_DEFER_ACCEPT when asked (accept only once the client's first bytes are there: the first read then does
 * not park — ~48 → ~24 server CPU-µs per connection on the prototype in ../shared/notes/connection-cost.md).
 */
final class Listener {
    /** Seconds TCP_DEFER_ACCEPT waits for data before accepting anyway (the kernel rounds it to SYN-ACK retries). */
    static final int DEFER_ACCEPT_SECONDS = 1;

    private Listener() {}

    static PollFile open(InetSocketAddress address, int backlog, boolean deferAccept) throws IOException {
        int fd = Sockets.socket(SockAddr.family(address.getAddress()));
        PollFile file = PollFile.ofNonBlocking(fd);
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1);
            if (deferAccept) {
                Sockets.setInt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_DEFER_ACCEPT, DEFER_ACCEPT_SECONDS);
            }
            Sockets.bind(fd, address);
            Sockets.listen(fd, backlog);
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
