package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ten lines at the top of poller/README.md compile and do what the README says. */
@ExtendWith(NoFdLeaks.class)
class ReadmeExampleTest {

    @Test
    void theReadmeExampleReadsWhatThePeerWrote() throws Exception {
        long[] got = {-1};
        // ---- as in poller/README.md, plus the `got` capture ----
        try (Poller poller = Poller.open()) {
            int[] fds = Sockets.socketpair();
            PollFile file = PollFile.of(fds[0]), peer = PollFile.of(fds[1]);
            Item item = poller.register(file);
            Thread reader = Thread.ofVirtual().start(() -> {
                var buf = MemorySegment.ofArray(new byte[64]);
                try { long n = BlockingIo.read(item, buf, BlockingIo.NO_TIMEOUT); got[0] = n; } catch (IOException e) { }
            });
            Fds.write(peer.fd(), MemorySegment.ofArray("hi".getBytes()));
            reader.join(); file.close(); peer.close();
        }
        assertEquals(2, got[0]);
    }
}
