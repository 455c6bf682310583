package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.EventFd;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Close, interrupt and timeout while parked in read, write and accept; plus a real TCP round trip. */
@ExtendWith(NoFdLeaks.class)
class BlockingIoTest {
    private static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int ENOTSOCK = 88; // Linux

    enum Op { READ, WRITE, ACCEPT }

    enum Cause { CLOSE, INTERRUPT, TIMEOUT }

    /** A registered fd on which {@code op} will park: an empty socket, a full one, or a listener. */
    private record Parked(Item item, PollFile[] files) {}

    private static Parked parkable(Poller poller, Op op) throws IOException {
        if (op == Op.ACCEPT) {
            PollFile listener = Fixtures.listener();
            return new Parked(poller.register(listener), new PollFile[] {listener});
        }
        PollFile[] p = Fixtures.pair();
        if (op == Op.WRITE) {
            Fixtures.fill(p[0]);
        }
        return new Parked(poller.register(p[0]), p);
    }

    private static void run(Op op, Item item, long timeout) throws IOException {
        switch (op) {
            case READ -> BlockingIo.read(item, MemorySegment.ofArray(new byte[16]), timeout);
            case WRITE -> BlockingIo.write(item, MemorySegment.ofArray(new byte[1 << 20]), timeout);
            case ACCEPT -> BlockingIo.accept(item, timeout);
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return java.util.Arrays.stream(PollerMode.values()).flatMap(m -> java.util.Arrays.stream(Op.values())
                .flatMap(o -> java.util.Arrays.stream(Cause.values())
                        .map(c -> org.junit.jupiter.params.provider.Arguments.of(m, o, c))));
    }

    @ParameterizedTest(name = "{0} {1} ended by {2}")
    @org.junit.jupiter.params.provider.MethodSource("cases")
    void parkedOperationEndsPromptlyWithItsOwnException(PollerMode mode, Op op, Cause cause) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode));
             TestThreads threads = new TestThreads()) {
            Parked parked = parkable(poller, op);
            long timeout = cause == Cause.TIMEOUT ? TIMEOUT : BlockingIo.NO_TIMEOUT;
            long start = System.nanoTime(); // before the call begins: its deadline cannot precede this
            var call = threads.call(op.name(), () -> {
                try {
                    run(op, parked.item(), timeout);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            if (cause != Cause.TIMEOUT) { // a timed call may time out before the test sees it park
                TestThreads.awaitParked(call.thread, parked.item());
            }
            switch (cause) {
                case CLOSE -> parked.files()[0].close();
                case INTERRUPT -> call.thread.interrupt();
                case TIMEOUT -> { }
            }
            call.thread.join();
            Class<? extends IOException> expected = switch (cause) {
                case CLOSE -> FileClosedException.class;
                case INTERRUPT -> InterruptedIOException.class;
                case TIMEOUT -> SocketTimeoutException.class;
            };
            assertInstanceOf(expected, call.value);
            if (cause == Cause.TIMEOUT) {
                assertTrue(System.nanoTime() - start >= TIMEOUT, "timed out before its deadline");
            }
            Fixtures.closeAll(parked.files());
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void tcpRoundTripThroughAcceptReadWrite(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode));
             TestThreads threads = new TestThreads()) {
            PollFile listener = Fixtures.listener();
            Item accepting = poller.register(listener);
            InetSocketAddress address = Sockets.localAddress(listener.fd());
            byte[] message = "hello, weft".getBytes();
            threads.virtual("server", () -> {
                PollFile conn = PollFile.ofSocket(BlockingIo.accept(accepting, BlockingIo.NO_TIMEOUT)); // recv, send
                Item item = poller.register(conn);
                MemorySegment buf = MemorySegment.ofArray(new byte[64]);
                long n = BlockingIo.read(item, buf, BlockingIo.NO_TIMEOUT);
                BlockingIo.write(item, buf.asSlice(0, n), BlockingIo.NO_TIMEOUT);
                conn.close(); // no EPOLL_CTL_DEL: close(2) drops the registration
            });
            PollFile client = PollFile.of(Sockets.socket(SockAddr.AF_INET));
            Item clientItem = poller.register(client);
            long bound = TimeUnit.SECONDS.toNanos(30); // a failed server thread fails the test, not hangs it
            BlockingIo.connect(clientItem, address, bound);
            BlockingIo.write(clientItem, MemorySegment.ofArray(message), bound);
            byte[] echoed = new byte[message.length];
            MemorySegment into = MemorySegment.ofArray(echoed);
            long got = 0;
            while (got < echoed.length) {
                long n = BlockingIo.read(clientItem, into.asSlice(got), bound);
                assertTrue(n > 0, "server closed early");
                got += n;
            }
            assertArrayEquals(message, echoed);
            assertEquals(0, BlockingIo.read(clientItem, into, bound), "then end of stream");
            Fixtures.closeAll(client, listener);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void largeWriteParksAndCompletesAsThePeerReads(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode));
             TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item writerItem = poller.register(p[0]);
            Item readerItem = poller.register(p[1]);
            int size = 8 << 20;
            Thread writer = threads.virtual("writer", () -> {
                BlockingIo.write(writerItem, MemorySegment.ofArray(new byte[size]), BlockingIo.NO_TIMEOUT);
                p[0].close();
            });
            TestThreads.awaitParked(writer, writerItem); // 8 MiB cannot fit the socket buffers: it must park
            long total = 0;
            MemorySegment buf = MemorySegment.ofArray(new byte[1 << 16]);
            long bound = TimeUnit.SECONDS.toNanos(30);
            for (long n; (n = BlockingIo.read(readerItem, buf, bound)) > 0; ) {
                total += n;
            }
            assertEquals(size, total);
            p[1].close();
        }
    }

    /**
     * A write of a prefix ({@code length} of a larger segment) sends exactly those bytes, in order, also when the
     * socket takes them in several partial writes: each retry resumes inside the prefix, never past its end.
     * Through write(2) and read(2) (a plain file), send(2) and recv(2) (a {@linkplain PollFile#ofSocket socket}),
     * and send(2) with MSG_MORE ({@code writeBeforeClose}).
     */
    @ParameterizedTest(name = "{0}, before close {1}, socket {2}")
    @org.junit.jupiter.params.provider.CsvSource({"VIRTUAL, false, false", "VIRTUAL, true, false",
        "VIRTUAL, false, true", "VIRTUAL, true, true", "CARRIER, false, false", "CARRIER, true, false",
        "CARRIER, false, true", "CARRIER, true, true", "PLATFORM, false, false", "PLATFORM, true, false",
        "PLATFORM, false, true", "PLATFORM, true, true"})
    void aPrefixWriteSendsExactlyItsBytesAcrossPartialWrites(PollerMode mode, boolean beforeClose, boolean socket)
            throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode));
             TestThreads threads = new TestThreads()) {
            PollFile[] p = socket ? Fixtures.socketPair() : Fixtures.pair();
            Item writerItem = poller.register(p[0]);
            Item readerItem = poller.register(p[1]);
            byte[] source = new byte[4 << 20];
            for (int i = 0; i < source.length; i++) {
                source[i] = (byte) (i * 31 + (i >>> 12));
            }
            int length = (3 << 20) + 12_345; // more than the socket buffers hold: several partial writes
            Thread writer = threads.virtual("writer", () -> {
                MemorySegment all = MemorySegment.ofArray(source);
                if (beforeClose) {
                    BlockingIo.writeBeforeClose(writerItem, all, length, BlockingIo.NO_TIMEOUT);
                } else {
                    BlockingIo.write(writerItem, all, length, BlockingIo.NO_TIMEOUT);
                }
                p[0].close();
            });
            TestThreads.awaitParked(writer, writerItem); // the socket is full: the write resumes part way
            byte[] received = new byte[source.length];
            int total = 0;
            long bound = TimeUnit.SECONDS.toNanos(30);
            MemorySegment into = MemorySegment.ofArray(received);
            for (long n; (n = BlockingIo.read(readerItem, into.asSlice(total), bound)) > 0; ) {
                total += (int) n;
            }
            assertEquals(length, total, "exactly the prefix, then end of stream");
            assertArrayEquals(java.util.Arrays.copyOf(source, length), java.util.Arrays.copyOf(received, length));
            p[1].close();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {-1, 17})
    void aPrefixLongerThanItsSegmentOrNegativeIsRefusedBeforeAnyByteIsSent(long length) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults())) {
            PollFile[] p = Fixtures.pair();
            Item writerItem = poller.register(p[0]);
            MemorySegment sixteen = MemorySegment.ofArray(new byte[16]);
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> BlockingIo.write(writerItem, sixteen, length, TIMEOUT));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> dev.weft.poller.sys.Fds.write(p[0].fd(), sixteen, length,
                            dev.weft.poller.sys.Errno.capture()));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> Sockets.send(p[0].fd(), sixteen, length, Sockets.MSG_MORE,
                            dev.weft.poller.sys.Errno.capture()));
            p[0].close();
            Item readerItem = poller.register(p[1]);
            assertEquals(0, BlockingIo.read(readerItem, MemorySegment.ofArray(new byte[16]), TIMEOUT),
                    "nothing was sent before the end of stream");
            p[1].close();
        }
    }

    /**
     * A socket registered before connect is reported "ready" (EPOLLHUP) at its ADD, so connect must not take
     * one wake-up for success. A listener whose accept queue is full drops SYNs, so later clients stay in
     * SYN_SENT: each connect either really connects or times out — never returns while still connecting.
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void connectReturnsOnlyWhenReallyConnected(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode))) {
            int fd = Sockets.socket(SockAddr.AF_INET);
            Sockets.bind(fd, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            Sockets.listen(fd, 0); // accept queue of one; never accepted
            PollFile listener = PollFile.of(fd);
            InetSocketAddress address = Sockets.localAddress(fd);
            java.util.List<PollFile> clients = new java.util.ArrayList<>();
            int timedOut = 0;
            for (int i = 0; i < 4; i++) {
                PollFile client = PollFile.of(Sockets.socket(SockAddr.AF_INET));
                clients.add(client);
                Item item = poller.register(client);
                try {
                    BlockingIo.connect(item, address, TIMEOUT);
                    assertTrue(Sockets.isConnected(client.fd()), "connect returned while still connecting");
                } catch (SocketTimeoutException e) {
                    timedOut++;
                }
            }
            assertTrue(timedOut > 0, "no connect was left pending; the case was not exercised");
            clients.forEach(PollFile::close);
            listener.close();
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void connectToAClosedPortFailsWithEconnrefused(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode))) {
            PollFile probe = Fixtures.listener();
            InetSocketAddress closed = Sockets.localAddress(probe.fd());
            probe.close(); // nobody listens there now
            for (int i = 0; i < 50; i++) {
                PollFile client = PollFile.of(Sockets.socket(SockAddr.AF_INET));
                Item item = poller.register(client);
                var e = org.junit.jupiter.api.Assertions.assertThrows(dev.weft.poller.sys.ErrnoException.class,
                        () -> BlockingIo.connect(item, closed, TimeUnit.SECONDS.toNanos(10)));
                assertEquals(dev.weft.poller.sys.Errno.ECONNREFUSED, e.errno());
                client.close();
            }
        }
    }

    /**
     * A file registered as a socket is read with recv(2) and written with send(2), a plain one with read(2) and
     * write(2): on an eventfd, which is no socket, the first fail with ENOTSOCK and the second work.
     */
    @org.junit.jupiter.api.Test
    void aSocketFileIsReadWithRecvAndWrittenWithSend() throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults())) {
            int fd = EventFd.create();
            PollFile notASocket = PollFile.ofSocket(fd);
            PollFile plain = PollFile.ofNonBlocking(Fds.dup(fd));
            try {
                Item socketItem = poller.register(notASocket);
                Item plainItem = poller.register(plain);
                MemorySegment one = MemorySegment.ofArray(new long[] {1});
                ErrnoException refused =
                        assertThrows(ErrnoException.class, () -> BlockingIo.write(socketItem, one, TIMEOUT));
                assertEquals(ENOTSOCK, refused.errno(), refused.getMessage());
                BlockingIo.write(plainItem, one, TIMEOUT); // the eventfd's counter is 1 now: both could read 8 bytes
                MemorySegment value = MemorySegment.ofArray(new long[1]);
                refused = assertThrows(ErrnoException.class, () -> BlockingIo.read(socketItem, value, TIMEOUT));
                assertEquals(ENOTSOCK, refused.errno(), refused.getMessage());
                assertEquals(8, BlockingIo.read(plainItem, value, TIMEOUT));
                assertEquals(1, value.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
            } finally {
                Fixtures.closeAll(notASocket, plain);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void readOnAClosedFileThrows(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode))) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            p[0].close();
            assertInstanceOf(FileClosedException.class, org.junit.jupiter.api.Assertions.assertThrows(
                    IOException.class, () -> BlockingIo.read(item, MemorySegment.ofArray(new byte[1]), TIMEOUT)));
            p[1].close();
        }
    }
}
