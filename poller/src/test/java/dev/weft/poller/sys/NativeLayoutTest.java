package dev.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM layouts and constants agree with this machine's C headers: a C program compiled with gcc at test
 * time prints sizeof/offsetof and the constants; each must equal what the Java side uses. Skipped (not
 * failed) where gcc is absent.
 */
class NativeLayoutTest {
    private static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <sys/epoll.h>
            #include <sys/eventfd.h>
            #include <sys/socket.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #define P(name) printf(#name " %ld\\n", (long) (name))
            int main(void) {
                printf("sizeof_epoll_event %zu\\n", sizeof(struct epoll_event));
                printf("offsetof_events %zu\\n", offsetof(struct epoll_event, events));
                printf("offsetof_data %zu\\n", offsetof(struct epoll_event, data));
                printf("sizeof_sockaddr_in %zu\\n", sizeof(struct sockaddr_in));
                printf("sizeof_sockaddr_in6 %zu\\n", sizeof(struct sockaddr_in6));
                printf("sizeof_sockaddr_storage %zu\\n", sizeof(struct sockaddr_storage));
                P(EPOLLIN); P(EPOLLOUT); P(EPOLLERR); P(EPOLLHUP); P(EPOLLRDHUP); P(EPOLLPRI);
                printf("EPOLLET %lu\\n", (unsigned long) (unsigned) EPOLLET); P(EPOLLONESHOT); P(EPOLLEXCLUSIVE);
                P(EPOLL_CTL_ADD); P(EPOLL_CTL_DEL); P(EPOLL_CTL_MOD); P(EPOLL_CLOEXEC);
                P(O_NONBLOCK); P(O_CLOEXEC); P(F_DUPFD_CLOEXEC); P(EFD_NONBLOCK); P(EFD_CLOEXEC);
                P(AF_UNIX); P(AF_INET); P(AF_INET6); P(SOCK_STREAM); P(SOCK_NONBLOCK); P(SOCK_CLOEXEC);
                P(SOL_SOCKET); P(SO_REUSEADDR); P(SO_REUSEPORT); P(SO_ERROR); P(SO_SNDBUF); P(SO_RCVBUF);
                P(SO_KEEPALIVE); P(IPPROTO_TCP); P(TCP_NODELAY); P(TCP_DEFER_ACCEPT);
                P(SHUT_RD); P(SHUT_WR); P(SHUT_RDWR);
                P(EPERM); P(ENOENT); P(EINTR); P(EBADF); P(EAGAIN); P(ENOMEM); P(EACCES); P(EEXIST);
                P(EINVAL); P(ENFILE); P(EMFILE); P(EPIPE); P(EADDRINUSE); P(ECONNABORTED); P(ECONNRESET);
                P(ENOBUFS); P(ENOTCONN); P(ETIMEDOUT); P(ECONNREFUSED); P(EINPROGRESS);
                return 0;
            }
            """;

    private static Map<String, Long> c;

    @BeforeAll
    static void compileAndRun(@TempDir Path dir) throws Exception {
        if (!onPath("gcc")) {
            return; // each test that needs the C side skips itself
        }
        Path source = dir.resolve("layout.c");
        Files.writeString(source, PROGRAM);
        Path binary = dir.resolve("layout");
        run(dir, "gcc", "-o", binary.toString(), source.toString());
        c = new HashMap<>();
        for (String line : run(dir, binary.toString()).split("\n")) {
            String[] kv = line.trim().split(" ");
            c.put(kv[0], Long.parseLong(kv[1]));
        }
    }

    @Test
    void epollEventLayoutMatchesTheHeader() {
        assumeTrue(c != null, "gcc is not installed: the check against the C headers is skipped");
        assertEquals(c.get("sizeof_epoll_event"), EPoll.EVENT.byteSize());
        assertEquals(c.get("offsetof_events"), EPoll.EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events")));
        assertEquals(c.get("offsetof_data"), EPoll.EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data")));
    }

    @Test
    void bothArchitectureLayoutsAreWhatTheirAbisSay() {
        assertEquals(12, EPoll.eventLayout("amd64").byteSize(), "x86_64 packs struct epoll_event");
        assertEquals(16, EPoll.eventLayout("aarch64").byteSize(), "aarch64 aligns data to 8");
    }

    @Test
    void sockaddrSizesMatchTheHeader() {
        assumeTrue(c != null, "gcc is not installed: the check against the C headers is skipped");
        assertEquals(c.get("sizeof_sockaddr_storage"), (long) SockAddr.STORAGE_BYTES);
        assertEquals(16L, c.get("sizeof_sockaddr_in"));
        assertEquals(28L, c.get("sizeof_sockaddr_in6"));
    }

    @Test
    void constantsMatchTheHeaders() {
        assumeTrue(c != null, "gcc is not installed: the check against the C headers is skipped");
        Map<String, Long> java = new HashMap<>();
        java.put("EPOLLIN", (long) EPoll.EPOLLIN);
        java.put("EPOLLOUT", (long) EPoll.EPOLLOUT);
        java.put("EPOLLERR", (long) EPoll.EPOLLERR);
        java.put("EPOLLHUP", (long) EPoll.EPOLLHUP);
        java.put("EPOLLRDHUP", (long) EPoll.EPOLLRDHUP);
        java.put("EPOLLPRI", (long) EPoll.EPOLLPRI);
        java.put("EPOLLET", Integer.toUnsignedLong(EPoll.EPOLLET));
        java.put("EPOLLONESHOT", (long) EPoll.EPOLLONESHOT);
        java.put("EPOLLEXCLUSIVE", (long) EPoll.EPOLLEXCLUSIVE);
        java.put("EPOLL_CTL_ADD", (long) EPoll.EPOLL_CTL_ADD);
        java.put("EPOLL_CTL_DEL", (long) EPoll.EPOLL_CTL_DEL);
        java.put("EPOLL_CTL_MOD", (long) EPoll.EPOLL_CTL_MOD);
        java.put("EPOLL_CLOEXEC", (long) EPoll.EPOLL_CLOEXEC);
        java.put("O_NONBLOCK", (long) Fds.O_NONBLOCK);
        java.put("O_CLOEXEC", (long) Fds.O_CLOEXEC);
        java.put("F_DUPFD_CLOEXEC", 1030L);
        java.put("EFD_NONBLOCK", (long) Fds.O_NONBLOCK);
        java.put("EFD_CLOEXEC", (long) Fds.O_CLOEXEC);
        java.put("AF_UNIX", (long) SockAddr.AF_UNIX);
        java.put("AF_INET", (long) SockAddr.AF_INET);
        java.put("AF_INET6", (long) SockAddr.AF_INET6);
        java.put("SOCK_STREAM", (long) Sockets.SOCK_STREAM);
        java.put("SOCK_NONBLOCK", (long) Sockets.SOCK_NONBLOCK);
        java.put("SOCK_CLOEXEC", (long) Sockets.SOCK_CLOEXEC);
        java.put("SOL_SOCKET", (long) Sockets.SOL_SOCKET);
        java.put("SO_REUSEADDR", (long) Sockets.SO_REUSEADDR);
        java.put("SO_REUSEPORT", (long) Sockets.SO_REUSEPORT);
        java.put("SO_ERROR", (long) Sockets.SO_ERROR);
        java.put("SO_SNDBUF", (long) Sockets.SO_SNDBUF);
        java.put("SO_RCVBUF", (long) Sockets.SO_RCVBUF);
        java.put("SO_KEEPALIVE", (long) Sockets.SO_KEEPALIVE);
        java.put("IPPROTO_TCP", (long) Sockets.IPPROTO_TCP);
        java.put("TCP_NODELAY", (long) Sockets.TCP_NODELAY);
        java.put("TCP_DEFER_ACCEPT", (long) Sockets.TCP_DEFER_ACCEPT);
        java.put("SHUT_RD", (long) Sockets.SHUT_RD);
        java.put("SHUT_WR", (long) Sockets.SHUT_WR);
        java.put("SHUT_RDWR", (long) Sockets.SHUT_RDWR);
        for (String name : new String[] {"EPERM", "ENOENT", "EINTR", "EBADF", "EAGAIN", "ENOMEM", "EACCES",
                "EEXIST", "EINVAL", "ENFILE", "EMFILE", "EPIPE", "EADDRINUSE", "ECONNABORTED", "ECONNRESET",
                "ENOBUFS", "ENOTCONN", "ETIMEDOUT", "ECONNREFUSED", "EINPROGRESS"}) {
            java.put(name, errnoValue(name));
        }
        java.forEach((name, value) -> assertEquals(c.get(name), value, name));
        assertEquals(c.size() - 6, java.size(), "every constant the C program prints is compared");
    }

    private static long errnoValue(String name) {
        for (int e = 1; e < 200; e++) {
            if (Errno.name(e).equals(name)) {
                return e;
            }
        }
        throw new AssertionError("Errno does not name " + name);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
