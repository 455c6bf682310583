package dev.weft.server;

import dev.weft.poller.PollerMode;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Every acceptor/poller configuration weft ships; behaviour tests run over all of them. */
final class ServerModes {
    private ServerModes() {}

    record Mode(String name, int acceptors, AcceptMode acceptMode, int pollerSets, PollerMode pollerMode,
                boolean deferAccept) {
        ServerBuilder builder() {
            return Server.builder().port(0).acceptors(acceptors).acceptMode(acceptMode).pollerSets(pollerSets)
                    .pollerMode(pollerMode).deferAccept(deferAccept);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> all() {
        return Stream.of(
                new Mode("1 acceptor, 1 set, virtual poller", 1, AcceptMode.REUSEPORT, 1, PollerMode.VIRTUAL, true),
                new Mode("2 reuseport acceptors, 2 sets, virtual poller", 2, AcceptMode.REUSEPORT, 2,
                        PollerMode.VIRTUAL, true),
                new Mode("2 acceptors on a shared listener, 2 sets, virtual poller", 2, AcceptMode.SHARED_LISTENER, 2,
                        PollerMode.VIRTUAL, true),
                new Mode("3 acceptors on a shared listener, 1 set, virtual poller", 3, AcceptMode.SHARED_LISTENER, 1,
                        PollerMode.VIRTUAL, true),
                new Mode("2 reuseport acceptors, 2 sets, platform poller, no defer-accept", 2, AcceptMode.REUSEPORT,
                        2, PollerMode.PLATFORM, false))
                .map(Arguments::of);
    }
}
