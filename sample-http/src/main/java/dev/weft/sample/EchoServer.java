package dev.weft.sample;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.FileClosedException;
import dev.weft.poller.Item;
import dev.weft.poller.PollFile;
import dev.weft.poller.Poller;
import dev.weft.poller.SetClosedException;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * An echo server on 127.0.0.1 (port 7007, or the first argument; 0 picks a free one), one virtual thread per
 * connection, each connection registered once at accept and closed without EPOLL_CTL_DEL. Ctrl-C stops it:
 * the listener closes (its parked acceptor wakes with "closed"), then the poller.
 */
public final class EchoServer {
    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7007;
        Poller poller = Poller.open();
        PollFile listener = listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Item accepting = poller.register(listener);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close();
            awaitQuietly(stopped);
            poller.close();
            System.out.println("weft echo: stopped; " + poller.stats());
        }));
        System.out.println("weft echo: listening on " + Sockets.localAddress(listener.fd())
                + " (" + poller.config() + "); try: nc 127.0.0.1 " + port);
        Thread.ofVirtual().name("acceptor").start(() -> {
            try {
                acceptLoop(poller, accepting);
            } finally {
                stopped.countDown();
            }
        }).join();
    }

    private static PollFile listen(InetSocketAddress address) throws IOException {
        int fd = Sockets.socket(SockAddr.family(address.getAddress()));
        PollFile file = PollFile.ofNonBlocking(fd);
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            Sockets.bind(fd, address);
            Sockets.listen(fd, 1024);
            return file;
        } catch (IOException e) {
            file.close();
            throw e;
        }
    }

    private static void acceptLoop(Poller poller, Item accepting) {
        for (;;) {
            PollFile conn;
            try {
                conn = PollFile.ofNonBlocking(BlockingIo.accept(accepting, BlockingIo.NO_TIMEOUT));
            } catch (FileClosedException | SetClosedException e) {
                return; // shutting down
            } catch (IOException e) {
                System.err.println("weft echo: accept failed: " + e.getMessage());
                continue;
            }
            Thread.ofVirtual().name("conn-" + conn.fd()).start(() -> serve(poller, conn));
        }
    }

    private static void serve(Poller poller, PollFile conn) {
        try (conn) { // close(2) without EPOLL_CTL_DEL: the kernel drops the registration with the file
            Item item = poller.register(conn);
            MemorySegment buffer = MemorySegment.ofArray(new byte[8192]);
            for (long n; (n = BlockingIo.read(item, buffer, BlockingIo.NO_TIMEOUT)) > 0; ) {
                BlockingIo.write(item, buffer.asSlice(0, n), BlockingIo.NO_TIMEOUT);
            }
        } catch (IOException e) {
            // peer reset or shutdown: the connection just ends
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
