package dev.weft.helidon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stock Helidon's connections park virtual threads in the JDK's own poller, whose epoll fds the JDK opens on first
 * use and keeps for the life of the process. A test class that leak-checks fds and starts a stock server first
 * makes them exist first, so they are in the "before" snapshot and not counted as the test's.
 */
final class JdkPollers implements BeforeAllCallback {
    /** Register before NoFdLeaks: {@code @ExtendWith({JdkPollers.class, NoFdLeaks.class})}. */
    @Override
    public void beforeAll(ExtensionContext context) {
        warmUp();
    }

    static void warmUp() {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel server = listener.accept()) {
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        server.read(ByteBuffer.allocate(1)); // parks in the JDK's read poller until the write
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                    Thread.onSpinWait(); // until it is really parked
                }
                client.write(ByteBuffer.wrap(new byte[] {1}));
                reader.join();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
