package dev.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** errno crosses the boundary once: EAGAIN becomes WOULD_BLOCK, anything else a typed exception. */
class ErrnoTest {

    @Test
    void failureNamesTheSyscallTheFdAndTheErrno() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fds.close(987_654));
        assertEquals("close", e.syscall());
        assertEquals(987_654, e.fd());
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close(fd 987654) failed: EBADF", e.getMessage());
    }

    @Test
    void eagainOnANonBlockingFdIsWouldBlockNotAnError() throws Exception {
        int[] pair = Sockets.socketpair();
        try {
            assertEquals(Errno.WOULD_BLOCK, Fds.read(pair[0], MemorySegment.ofArray(new byte[8])));
        } finally {
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }

    @Test
    void acceptOnASocketThatIsNotListeningIsEinval() throws Exception {
        int fd = Sockets.socket(SockAddr.AF_INET);
        try {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Sockets.accept(fd));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("accept4(fd " + fd + ")"), e.getMessage());
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void everyFdIsCreatedNonBlockingAndCloseOnExec() throws Exception {
        int fd = Sockets.socket(SockAddr.AF_INET);
        int ep = EPoll.create();
        int ev = EventFd.create();
        try {
            for (int f : new int[] {fd, ep, ev}) {
                String fdinfo = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/fdinfo/" + f));
                int flags = Integer.parseInt(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst()
                        .orElseThrow().split("\\s+")[1], 8);
                assertEquals(Fds.O_CLOEXEC, flags & Fds.O_CLOEXEC, "O_CLOEXEC on fd " + f);
                if (f != ep) { // epoll fds are never read, so O_NONBLOCK does not apply to them
                    assertEquals(Fds.O_NONBLOCK, flags & Fds.O_NONBLOCK, "O_NONBLOCK on fd " + f);
                }
            }
        } finally {
            Fds.close(fd);
            Fds.close(ep);
            Fds.close(ev);
        }
    }

    @Test
    void epollWaitOnABadFdNamesEpollWait() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> EPoll.pollNow(987_654, MemorySegment.NULL, 1));
        assertEquals("epoll_wait", e.syscall());
        assertEquals(Errno.EBADF, e.errno());
    }
}
