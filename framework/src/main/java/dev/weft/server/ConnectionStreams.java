package dev.weft.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** InputStream / OutputStream views of a {@link Connection}. */
final class ConnectionStreams {
    private ConnectionStreams() {}

    static final class In extends InputStream {
        private final Connection connection;

        In(Connection connection) {
            this.connection = connection;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return connection.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return connection.read(b, off, len);
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    static final class Out extends OutputStream {
        private final Connection connection;

        Out(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void write(int b) throws IOException {
            connection.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            connection.write(b, off, len);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
