package dev.weft.server.bench;

import dev.weft.server.AcceptMode;
import dev.weft.server.Connection;
import dev.weft.server.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The connection/rate workload's server side, without an HTTP parser: read until the end of the request head,
 * answer a fixed "Hello, World!" with Connection: close, close. For comparing server configurations under
 * h2load (docs/benchmarks.md); not a web server.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp framework/target/test-classes:framework/target/classes:poller/target/classes \
 *      dev.weft.server.bench.ConnRateServer PORT REUSEPORT|SHARED_LISTENER [acceptors] [sets]
 * </pre>
 */
public final class ConnRateServer {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n"
            + "Content-Type: text/plain\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);

    private ConnRateServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        AcceptMode mode = AcceptMode.valueOf(args[1]);
        int acceptors = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int sets = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Server server = Server.builder().port(port).acceptMode(mode).acceptors(acceptors).pollerSets(sets)
                .backlog(4096).start(ConnRateServer::hello);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("READY " + server.address().getPort() + " " + mode);
        new CountDownLatch(1).await();
    }

    private static void hello(Connection connection) throws IOException {
        byte[] buffer = new byte[2048];
        int filled = 0;
        while (!endOfHead(buffer, filled)) {
            int n = connection.read(buffer, filled, buffer.length - filled);
            if (n < 0 || filled + n == buffer.length) {
                return;
            }
            filled += n;
        }
        connection.write(RESPONSE, 0, RESPONSE.length);
    }

    private static boolean endOfHead(byte[] b, int n) {
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }
}
