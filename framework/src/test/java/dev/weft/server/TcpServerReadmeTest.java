package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.weft.poller.NoFdLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lines at the top of framework/README.md compile and serve (port 0 instead of 7007). */
@ExtendWith(NoFdLeaks.class)
class TcpServerReadmeTest {

    @Test
    void theReadmeEchoServerEchoes() throws Exception {
        Server server = Server.builder().port(0).start(connection -> {
            byte[] buffer = new byte[8192];
            for (int n; (n = connection.read(buffer, 0, buffer.length)) > 0; ) {
                connection.write(buffer, 0, n);
            }
        });
        System.out.println("listening on " + server.address());
        try {
            assertArrayEquals("readme".getBytes(), Clients.echo(server.address(), "readme".getBytes()));
        } finally {
            server.close();
        }
    }
}
