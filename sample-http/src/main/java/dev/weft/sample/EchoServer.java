package dev.weft.sample;

import dev.weft.server.Connection;
import dev.weft.server.Server;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * An echo server on 127.0.0.1 (port 7007, or the first argument; 0 picks a free one) on weft's TCP server: one
 * virtual thread per connection, each registered once at accept and closed without EPOLL_CTL_DEL. Ctrl-C or
 * SIGTERM stops it gracefully and prints the server's counters.
 */
public final class EchoServer {
    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7007;
        Server server = Server.builder().port(port).start(EchoServer::echo);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("weft echo: stopped; " + server.stats());
        }));
        System.out.println("weft echo: listening on " + server.address() + "; try: nc 127.0.0.1 "
                + server.address().getPort());
        new CountDownLatch(1).await(); // until the shutdown hook runs
    }

    /** Waits for input before taking a buffer, so an idle connection holds none. */
    private static void echo(Connection connection) throws IOException {
        for (;;) {
            connection.awaitReadable();
            byte[] buffer = new byte[8192];
            int n = connection.read(buffer, 0, buffer.length);
            if (n < 0) {
                return;
            }
            connection.write(buffer, 0, n);
        }
    }
}
