package dev.weft.sample;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own path, for comparison in bench/syscalls.sh: com.sun.net.httpserver on a virtual-thread-per-task
 * executor, answering any GET like {@link HelloService}. Not part of weft; a yardstick.
 */
public final class JdkHelloService {
    private JdkHelloService() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body = ("Hello from the JDK! You asked for " + exchange.getRequestURI().getPath() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            executor.close();
        }));
        System.out.println("jdk hello: http://127.0.0.1:" + server.getAddress().getPort() + "/");
        new CountDownLatch(1).await();
    }
}
