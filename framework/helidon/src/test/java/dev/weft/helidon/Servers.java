package dev.weft.helidon;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** The two servers every contract test runs against: stock Helidon 4.5.0, and the same routing on weft. */
enum Servers {
    STOCK, WEFT;

    /** Starts this kind of server on 127.0.0.1, a free port, with {@code setup} applied to its builder. */
    WebServer start(Consumer<WebServerConfig.BuilderBase<?, ?>> setup) {
        return switch (this) {
            case STOCK -> {
                WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false);
                setup.accept(b);
                yield b.build().start();
            }
            case WEFT -> {
                WeftWebServer.Builder b = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                        .tcp(t -> t.acceptors(2).pollerSets(2));
                setup.accept(b);
                yield b.build().start();
            }
        };
    }

    static InetSocketAddress address(WebServer server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }
}
