package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Response.stream() is buffered into chunks of ChunkedOutput.CHUNK_BYTES; flush() sends what is buffered. */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class ResponseStreamTest {
    static final int BYTES = 20_000;
    static volatile CountDownLatch clientReadFirst = new CountDownLatch(1);

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.get("/bytewise", (req, res) -> {
                    try (OutputStream out = res.stream()) {
                        for (int i = 0; i < BYTES; i++) {
                            out.write('a' + i % 26); // one byte per call
                        }
                    }
                })
                .get("/flushed", (req, res) -> {
                    OutputStream out = res.stream();
                    out.write("first".getBytes());
                    out.flush();
                    if (!clientReadFirst.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the client never saw the flushed chunk");
                    }
                    out.write("second".getBytes());
                    out.close();
                });
    }

    @Test
    void bytewiseWritesGoOutInFullChunksAndTheLastChunkCarriesTheRest(InetSocketAddress address) throws Exception {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /bytewise HTTP/1.1\r\nHost: t\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.contains("Transfer-Encoding: chunked"), head);
            List<Integer> sizes = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            for (int size; (size = Integer.parseInt(readUntil(in, "\r\n").trim(), 16)) > 0; ) {
                sizes.add(size);
                body.append(new String(in.readNBytes(size), StandardCharsets.US_ASCII));
                readUntil(in, "\r\n");
            }
            assertEquals(List.of(ChunkedOutput.CHUNK_BYTES, ChunkedOutput.CHUNK_BYTES, BYTES - 2 * ChunkedOutput.CHUNK_BYTES),
                    sizes, "not one 1-byte chunk per write");
            assertEquals(BYTES, body.length());
            assertEquals('a' + (BYTES - 1) % 26, body.charAt(BYTES - 1));
        }
    }

    @Test
    void flushSendsWhatIsBufferedAtOnce(InetSocketAddress address) throws Exception {
        clientReadFirst = new CountDownLatch(1);
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /flushed HTTP/1.1\r\nHost: t\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            readUntil(in, "\r\n\r\n");
            assertEquals("5\r\nfirst\r\n", readUntil(in, "first\r\n"), "the flushed chunk arrives while the handler waits");
            clientReadFirst.countDown();
            assertEquals("6\r\nsecond\r\n0\r\n\r\n", readUntil(in, "0\r\n\r\n"), "the rest and the last chunk, in one go");
        }
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("before " + end + ": " + out);
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
