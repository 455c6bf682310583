package dev.weft.helidon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.TcpSegments;
import dev.weft.http.Wire;
import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.Poller;
import dev.weft.poller.PollerStats;
import dev.weft.server.AcceptedSocketOptions;
import dev.weft.server.Server;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WeftWebServer's lifecycle, its builder, and what it promises below Helidon's routing. */
@ExtendWith({JdkPollers.class, NoFdLeaks.class})
class WeftWebServerTest {

    @Test
    void stopLeavesNoRegistrationThreadOrSetBehind() throws Exception {
        WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.get("/hello", (req, res) -> res.send("Hello")))
                .build().start();
        Server tcp = server.tcp();
        for (int i = 0; i < 20; i++) {
            try (Wire w = new Wire(Servers.address(server))) {
                String close = i % 2 == 0 ? "Connection: close\r\n" : "";
                assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n" + close + "\r\n").readResponse()
                        .status());
            }
        }
        server.stop();
        assertFalse(server.isRunning());
        assertEquals(-1, server.port());
        Poller poller = tcp.poller();
        assertTrue(poller.isClosed());
        PollerStats stats = poller.stats();
        assertEquals(stats.registrations(), stats.releases(), poller.dump().toString());
        assertEquals(0, stats.liveItems(), poller.dump().toString());
        assertEquals(poller.setCount(), stats.setsFreed(), poller.dump().toString());
        assertEquals(20, tcp.stats().accepted());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().startsWith("weft-") && t.isAlive(), "left running: " + t);
        }
    }

    /**
     * Property: a small whole response that ends the connection carries the FIN in its last segment (weft's socket
     * sends it with MSG_MORE): the client receives one segment without data fewer than for a streamed response.
     */
    @Test
    void aClosingSmallResponsesFinTravelsWithIt() throws Exception {
        WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.get("/whole", (req, res) -> res.send("Hello, World!"))
                        .get("/streamed", (req, res) -> {
                            try (var out = res.outputStream()) {
                                out.write("Hello, World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                                out.flush(); // chunked from here: the FIN goes alone
                            }
                        }))
                .build().start();
        try {
            int whole = Integer.MAX_VALUE;
            int streamed = Integer.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                whole = Math.min(whole, TcpSegments.withoutData(Servers.address(server), "/whole", "Hello, World!"));
                streamed = Math.min(streamed,
                        TcpSegments.withoutData(Servers.address(server), "/streamed", "Hello, World!"));
            }
            assertEquals(streamed - 1, whole, "segments without data: whole " + whole + ", streamed " + streamed);
        } finally {
            server.stop();
        }
    }

    @Test
    void connectionOptionsBecomeTheListenersAcceptedSocketOptions() {
        WeftWebServer stockDefaults = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).build();
        WeftWebServer tuned = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .connectionOptions(o -> o.tcpNoDelay(true).socketKeepAlive(false).socketReceiveBufferSize(65_536))
                .build();
        try {
            stockDefaults.start();
            tuned.start();
            assertEquals(new AcceptedSocketOptions(true, false, null, null),
                    stockDefaults.tcp().config().acceptedSocketOptions(), "Helidon's defaults: keep-alive on, Nagle on");
            assertEquals(new AcceptedSocketOptions(false, true, 65_536, null),
                    tuned.tcp().config().acceptedSocketOptions());
        } finally {
            stockDefaults.stop();
            tuned.stop();
        }
    }

    @Test
    void aStoppedServerIsNotRestartedAndStopIsIdempotent() {
        WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).build();
        assertEquals(-1, server.port());
        server.start();
        assertTrue(server.port() > 0 && server.isRunning());
        server.stop().stop();
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void whatWeftCannotServeIsRefusedWhenBuiltByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeftWebServer.builder()
                .putSocket("admin", s -> s.port(0))
                .enableProxyProtocol(true)
                .addConnectionSelector(Http1ConnectionSelector.builder().config(Http1Config.create()).build())
                .build());
        assertTrue(e.getMessage().contains("sockets [admin]"), e.getMessage());
        assertTrue(e.getMessage().contains("enableProxyProtocol"), e.getMessage());
        assertTrue(e.getMessage().contains("connectionSelectors"), e.getMessage());
    }

    @Test
    void weftOptionsAreValidatedWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeftWebServer.builder().tcp(t -> t.acceptors(0)).build());
        assertTrue(e.getMessage().contains("acceptors"), e.getMessage());
    }

    @Test
    void thePrototypeBuildsAWeftServerToo() {
        WebServer built = WeftWebServer.builder().host("127.0.0.1").port(0).buildPrototype().build();
        assertInstanceOf(WeftWebServer.class, built);
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void usersWireListenersAreCalledOnWeftOnly(Servers kind) throws Exception {
        // Helidon 4.5.0's composite of two or more listeners forwards nothing: with two, neither is ever called
        // (one alone is used directly). weft installs its own listener and forwards to every one.
        AtomicInteger prologues = new AtomicInteger();
        Http1ConnectionListener counting = new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                prologues.incrementAndGet();
            }

            @Override
            public void data(ConnectionContext ctx, BufferData data) {
            }
        };
        WebServer server = kind.start(b -> b
                .addProtocol(Http1Config.builder().addReceiveListener(counting).addReceiveListener(counting).build())
                .routing(r -> r.get("/hello", (req, res) -> res.send("Hello"))));
        try (Wire w = new Wire(Servers.address(server))) {
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        } finally {
            server.stop();
        }
        assertEquals(kind == Servers.WEFT ? 2 : 0, prologues.get());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout(Servers kind) throws Exception {
        WebServer server = kind.start(b -> b.idleConnectionTimeout(Duration.ofSeconds(1))
                .idleConnectionPeriod(Duration.ofSeconds(1))
                .routing(r -> r.get("/hello", (req, res) -> res.send("Hello"))));
        try (Wire w = new Wire(Servers.address(server))) {
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            long start = System.nanoTime();
            assertEquals("[EOF]", w.soTimeout(10_000).readUntilQuiet());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "closed before the timeout");
        } finally {
            server.stop();
        }
    }

    @Test
    void anExchangeInFlightFinishesWhileTheServerStops() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(20))
                .routing(r -> r.get("/slow", (req, res) -> {
                    inHandler.countDown();
                    release.await();
                    res.send("done");
                }))
                .build().start();
        try (Wire w = new Wire(Servers.address(server))) {
            w.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertTrue(inHandler.await(20, TimeUnit.SECONDS));
            Thread stopper = Thread.ofPlatform().start(server::stop);
            while (Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("weft-acceptor-") && t.isAlive())) {
                Thread.onSpinWait(); // the acceptors end first: stop has begun
            }
            release.countDown();
            Wire.Reply r = w.readResponse();
            assertEquals(200, r.status());
            assertEquals("done", r.body());
            stopper.join();
        }
        assertFalse(server.isRunning());
    }

    @Test
    void stopClosesIdleConnectionsAtOnceAndTheExchangeInFlightSaysClose() throws Exception {
        // Graceful stop with a long grace: an idle keep-alive connection must not hold stop() for it, and the
        // response of the exchange in flight says Connection: close (the client must not send another request).
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(30))
                .routing(r -> r.get("/hello", (req, res) -> res.send("Hello"))
                        .get("/slow", (req, res) -> {
                            inHandler.countDown();
                            release.await();
                            res.send("done");
                        }))
                .build().start();
        try (Wire idle = new Wire(Servers.address(server)); Wire busy = new Wire(Servers.address(server))) {
            assertEquals(200, idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertTrue(inHandler.await(20, TimeUnit.SECONDS));
            Server tcp = server.tcp();
            Thread stopper = Thread.ofPlatform().start(server::stop);
            assertEquals("[EOF]", idle.soTimeout(10_000).readUntilQuiet()); // closed at once, not after 30 s
            while (tcp.stats().active() != 1) {
                Thread.onSpinWait(); // the idle connection is gone; the busy one is draining
            }
            release.countDown();
            Wire.Reply r = busy.readResponse();
            assertEquals("done", r.body());
            assertTrue(r.hasField("connection: close"), r.head());
            assertEquals("[EOF]", busy.soTimeout(10_000).readUntilQuiet());
            stopper.join();
        }
        assertFalse(server.isRunning());
    }

    @Test
    void aPortAlreadyInUseFailsStartWithBindException() throws Exception {
        try (java.net.ServerSocket holder = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            WeftWebServer server = WeftWebServer.builder().host("127.0.0.1").port(holder.getLocalPort())
                    .shutdownHook(false).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, server::start);
            assertInstanceOf(java.net.BindException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains(String.valueOf(holder.getLocalPort())), e.getMessage());
            assertFalse(server.isRunning());
        }
    }

    @Test
    void aReadParkedOnThePollerReturnsOnInterrupt() throws Exception {
        // Helidon's idle sweep and shutdown interrupt a connection's thread: its read must end, not stay parked.
        AtomicReference<Thread> handler = new AtomicReference<>();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Server server = Server.builder().port(0).deferAccept(false).start(connection -> {
            handler.set(Thread.currentThread());
            try {
                new WeftSocket(connection, "@default", 1).get(); // nothing is sent: it parks
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                done.countDown();
            }
        });
        try (Wire w = new Wire(server.address())) {
            Thread t;
            while ((t = handler.get()) == null || t.getState() != Thread.State.WAITING
                    || !server.poller().dump().toString().contains(t.getName())) {
                Thread.onSpinWait(); // until the handler is its item's reader, parked
            }
            t.interrupt();
            assertTrue(done.await(20, TimeUnit.SECONDS));
        } finally {
            server.close();
        }
        UncheckedIOException e = assertInstanceOf(UncheckedIOException.class, outcome.get());
        assertInstanceOf(InterruptedIOException.class, e.getCause());
    }
}
