package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Sockets for tests: connected pairs, a loopback listener, one-byte writes and reads. */
final class Fixtures {
    private Fixtures() {}

    /** Two connected AF_UNIX stream sockets, both wrapped as PollFiles (read(2) and write(2)). */
    static PollFile[] pair() throws ErrnoException {
        int[] fds = Sockets.socketpair();
        return new PollFile[] {PollFile.of(fds[0]), PollFile.of(fds[1])};
    }

    /** Like {@link #pair()}, both wrapped as sockets ({@link PollFile#ofSocket}: recv(2) and send(2)). */
    static PollFile[] socketPair() throws ErrnoException {
        int[] fds = Sockets.socketpair();
        return new PollFile[] {PollFile.ofSocket(fds[0]), PollFile.ofSocket(fds[1])};
    }

    /** A listening TCP socket on 127.0.0.1, ephemeral port. */
    static PollFile listener() throws ErrnoException {
        int fd = Sockets.socket(SockAddr.AF_INET);
        Sockets.bind(fd, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Sockets.listen(fd, 128);
        return PollFile.of(fd);
    }

    static void send(PollFile file, int count) throws ErrnoException {
        long n = Fds.write(file.fd(), MemorySegment.ofArray(new byte[count]));
        assertEquals(count, n, "short write in a test fixture");
    }

    /** Reads whatever is there (non-blocking); returns the byte count, or -1 (WOULD_BLOCK) when empty. */
    static long drain(PollFile file) throws ErrnoException {
        long total = 0;
        MemorySegment buf = MemorySegment.ofArray(new byte[65536]);
        for (;;) {
            long n = Fds.read(file.fd(), buf);
            if (n <= 0) {
                return total > 0 ? total : n;
            }
            total += n;
        }
    }

    /** Fills the socket's send buffer until write would block. */
    static void fill(PollFile file) throws ErrnoException {
        MemorySegment chunk = MemorySegment.ofArray(new byte[65536]);
        while (Fds.write(file.fd(), chunk) > 0) {
            // keep going until EAGAIN
        }
    }

    static void closeAll(PollFile... files) {
        for (PollFile f : files) {
            f.close();
        }
    }
}
