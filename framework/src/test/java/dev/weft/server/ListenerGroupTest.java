package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A port already in use is refused, never shared (issue 11, item 1): every listener sets SO_REUSEPORT, so a second
 * server on the same port used to join the first one's reuse-port group and take part of its connections
 * silently. The group is formed by one server alone; another socket on the address fails the start with
 * {@link BindException} naming the address, and the server already there keeps serving everything.
 */
@ExtendWith(NoFdLeaks.class)
class ListenerGroupTest {

    @ParameterizedTest
    @EnumSource(AcceptMode.class)
    void aSecondServerOnTheSamePortFailsWithBindExceptionAndTheFirstKeepsEveryConnection(AcceptMode mode)
            throws Exception {
        int connections = 20;
        try (Server first = Server.builder().port(0).acceptors(2).pollerSets(2).acceptMode(mode)
                .start(Handlers.ECHO)) {
            int port = first.address().getPort();
            BindException e = assertThrows(BindException.class,
                    () -> Server.builder().port(port).acceptors(2).pollerSets(2).acceptMode(mode).start(Handlers.ECHO));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            for (int i = 0; i < connections; i++) {
                byte[] message = {(byte) i};
                assertArrayEquals(message, Clients.echo(first.address(), message), "connection " + i);
            }
            TcpServerTest.awaitActive(first, 0);
            assertEquals(connections, first.stats().accepted(), "every connection went to the first server");
        }
    }

    @ParameterizedTest
    @EnumSource(AcceptMode.class)
    void aPortHeldByAPlainServerSocketFailsWithBindException(AcceptMode mode) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            BindException e = assertThrows(BindException.class,
                    () -> Server.builder().port(port).acceptors(2).pollerSets(2).acceptMode(mode).start(Handlers.ECHO));
            assertTrue(e.getMessage().contains("Address already in use: 127.0.0.1:" + port), e.getMessage());
        }
    }
}
