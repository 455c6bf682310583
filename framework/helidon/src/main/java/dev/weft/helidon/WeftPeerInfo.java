package dev.weft.helidon;

import dev.weft.server.Connection;
import io.helidon.common.socket.PeerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * One end of a plain-TCP weft connection, as Helidon asks for it. The address is looked up (getpeername or
 * getsockname) only when first asked for: Helidon asks every request for the peer's TLS certificates, which a
 * plain connection answers without a syscall, and most services never ask for the address at all.
 *
 * <pre>
 * Threading: address is computed at most once per thread that races for it (the lookup is idempotent and the
 * result immutable), published through a volatile field.
 * </pre>
 */
final class WeftPeerInfo implements PeerInfo {
    private final Connection connection;
    private final boolean remote;
    private volatile InetSocketAddress address; // lazily, see the header

    WeftPeerInfo(Connection connection, boolean remote) {
        this.connection = connection;
        this.remote = remote;
    }

    @Override
    public InetSocketAddress address() {
        InetSocketAddress a = address;
        if (a == null) {
            try {
                a = remote ? connection.peerAddress() : connection.localAddress();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the " + (remote ? "peer" : "local") + " address", e);
            }
            address = a;
        }
        return a;
    }

    @Override
    public String host() {
        return address().getHostString();
    }

    @Override
    public int port() {
        return address().getPort();
    }

    @Override
    public Optional<Principal> tlsPrincipal() {
        return Optional.empty();
    }

    @Override
    public Optional<Certificate[]> tlsCertificates() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        InetSocketAddress a = address;
        return a == null ? (remote ? "peer" : "local") + " (not looked up)" : a.toString();
    }
}
