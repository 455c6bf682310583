package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.sys.Sockets;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Options set on the listeners reach every accepted connection: read back with getsockopt on the server side. */
@ExtendWith(NoFdLeaks.class)
class AcceptedSocketOptionsTest {
    /** Answers with the connection's SO_KEEPALIVE, TCP_NODELAY and SO_RCVBUF as three ints. */
    private static final ConnectionHandler REPORT = connection -> {
        int fd = connection.fd();
        ByteBuffer out = ByteBuffer.allocate(12)
                .putInt(Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE))
                .putInt(Sockets.getInt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY))
                .putInt(Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF))
                .flip();
        connection.write(out);
    };

    @Test
    void everyAcceptedConnectionInheritsTheListenersOptions() throws Exception {
        for (AcceptMode mode : AcceptMode.values()) {
            try (Server server = Server.builder().port(0).acceptors(2).pollerSets(2).acceptMode(mode)
                    .deferAccept(false)
                    .acceptedSocketOptions(new AcceptedSocketOptions(true, true, 65_536, null))
                    .start(REPORT)) {
                for (int i = 0; i < 4; i++) { // both listeners of a reuse-port group, with luck; each is set alike
                    int[] got = report(server);
                    assertEquals(1, got[0], mode + ": SO_KEEPALIVE");
                    assertEquals(1, got[1], mode + ": TCP_NODELAY");
                    assertEquals(2 * 65_536, got[2], mode + ": SO_RCVBUF (Linux reports twice what was set)");
                }
            }
        }
    }

    @Test
    void withoutOptionsTheKernelsDefaultsStay() throws Exception {
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).deferAccept(false).start(REPORT)) {
            int[] got = report(server);
            assertEquals(0, got[0], "SO_KEEPALIVE");
            assertEquals(0, got[1], "TCP_NODELAY");
            assertTrue(got[2] > 0, "SO_RCVBUF");
        }
    }

    @Test
    void aBufferSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new AcceptedSocketOptions(null, null, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new AcceptedSocketOptions(null, null, null, -1));
        assertThrows(IllegalArgumentException.class,
                () -> Server.builder().acceptedSocketOptions(null).config());
    }

    private static int[] report(Server server) throws Exception {
        try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            return new int[] {in.readInt(), in.readInt(), in.readInt()};
        }
    }
}
