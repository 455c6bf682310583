package dev.weft.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw HTTP over a java.net.Socket: send bytes, read responses by their framing, or everything until EOF. Shared
 * with framework/helidon's contract tests through the test-jar.
 */
public final class Wire implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public Wire(InetSocketAddress address) throws IOException {
        socket = new Socket();
        try {
            socket.connect(address, 10_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads give up after this long (10 s unless set). */
    public Wire soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /**
     * Everything that arrives until the server closes ("[EOF]" appended) or stays silent for the read timeout
     * ("[OPEN]" appended): for comparing servers that differ in whether they close.
     */
    public String readUntilQuiet() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        String end = "[EOF]";
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException quiet) {
            end = "[OPEN]";
        } catch (java.net.SocketException reset) {
            end = "[RESET]";
        }
        return out.toString(StandardCharsets.ISO_8859_1) + end;
    }

    public Wire send(String raw) throws IOException {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** Sends one byte per write (TCP_NODELAY on): the server sees the request in many segments. */
    public Wire sendBytewise(String raw) throws IOException {
        for (byte b : raw.getBytes(StandardCharsets.ISO_8859_1)) {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }
        return this;
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Everything until the server closes (bounded by SO_TIMEOUT). A reset after the data counts as the end. */
    public String readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // the server closed with input unread: the kernel may send RST after our data
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response, framed by Content-Length or chunked (no close-delimited bodies here). */
    public Reply readResponse() throws IOException {
        String head = readLineBlock();
        int contentLength = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        int status = Integer.parseInt(head.substring(9, 12));
        boolean noBody = status == 100 || status == 204 || status == 304;
        String body = noBody ? "" : chunked ? readChunked() : new String(in.readNBytes(contentLength),
                StandardCharsets.ISO_8859_1);
        return new Reply(status, head, body);
    }

    /** The HEAD-request variant: the fields say how long the body would be, and none follows. */
    public Reply readHeadResponse() throws IOException {
        String head = readLineBlock();
        return new Reply(Integer.parseInt(head.substring(9, 12)), head, "");
    }

    private String readLineBlock() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a response head: " + out);
            }
            out.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private String readChunked() throws IOException {
        StringBuilder body = new StringBuilder();
        for (;;) {
            String sizeLine = readLine();
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                readLine(); // the final CRLF (no trailers from weft)
                return body.toString();
            }
            body.append(new String(in.readNBytes(size), StandardCharsets.ISO_8859_1));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int b; (b = in.read()) >= 0; prev = b) {
            if (prev == '\r' && b == '\n') {
                byte[] line = out.toByteArray();
                return new String(line, 0, line.length - 1, StandardCharsets.ISO_8859_1);
            }
            out.write(b);
        }
        throw new IOException("end of stream inside a line");
    }

    /** Splits everything read until EOF into status codes, in order. */
    public static List<Integer> statuses(String all) {
        List<Integer> statuses = new ArrayList<>();
        int i = 0;
        while ((i = all.indexOf("HTTP/1.", i)) >= 0) {
            statuses.add(Integer.parseInt(all.substring(i + 9, i + 12)));
            i += 12;
        }
        return statuses;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public record Reply(int status, String head, String body) {
        public boolean hasField(String line) {
            return head.toLowerCase(java.util.Locale.ROOT).contains("\r\n" + line.toLowerCase(java.util.Locale.ROOT));
        }
    }
}
