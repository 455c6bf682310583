package dev.weft.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Plain blocking java.net.Socket clients on platform threads (no JDK poller involved), bounded by SO_TIMEOUT. */
final class Clients {
    static final int TIMEOUT_MILLIS = 20_000;

    private Clients() {}

    static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Reads until end of stream. */
    static byte[] readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.getInputStream().transferTo(out);
        return out.toByteArray();
    }

    /** Reads exactly n bytes, or fails. */
    static byte[] readExactly(Socket s, int n) throws IOException {
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("end of stream after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** One connect-send-receive-close round trip against an echo server. */
    static byte[] echo(InetSocketAddress address, byte[] message) throws IOException {
        try (Socket s = connect(address)) {
            s.getOutputStream().write(message);
            return readExactly(s, message.length);
        }
    }
}
