package dev.weft.sample;

import dev.weft.http.HttpServer;
import java.util.concurrent.CountDownLatch;

/**
 * The service a newcomer runs first: HTTP/1.1 on 127.0.0.1:8080 (or the port in the first argument). Any GET
 * answers 200 with a short text; POST /echo answers with the request body. Ctrl-C (or SIGTERM) stops it
 * gracefully and prints the server's counters. A second argument {@code --serve-on-acceptor} turns on
 * ServerConfig.serveOnAcceptor (safe here: these handlers block on nothing but their connection).
 */
public final class HelloService {
    private HelloService() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        boolean serveOnAcceptor = args.length > 1 && args[1].equals("--serve-on-acceptor");
        HttpServer.Builder builder = HttpServer.builder();
        builder.tcp().serveOnAcceptor(serveOnAcceptor);
        HttpServer server = builder
                .get("/*", (req, res) -> res.send("Hello from weft! You asked for " + req.path() + "\n"))
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .port(port)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("weft hello: stopped; " + server.stats());
        }));
        System.out.println("weft hello: http://" + server.address().getHostString() + ":"
                + server.address().getPort() + "/  (POST /echo echoes the body; Ctrl-C stops)");
        new CountDownLatch(1).await();
    }
}
