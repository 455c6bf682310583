package dev.weft.poller;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Sockets;

/** Sockets for the jcstress states. */
final class StressFixtures {
    private StressFixtures() {}

    static PollFile[] pair() throws ErrnoException {
        int[] fds = Sockets.socketpair();
        return new PollFile[] {PollFile.of(fds[0]), PollFile.of(fds[1])};
    }
}
