package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The registry dump and the counters show what is registered, who waits, and that nothing leaked. */
@ExtendWith(NoFdLeaks.class)
class RegistryTest {

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void dumpListsItemsTokensWaitersAndReferences(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(2, mode, 16)); TestThreads threads = new TestThreads()) {
            PollFile listener = Fixtures.listener();
            Item first = poller.register(listener, 0);
            Item second = poller.register(listener, 1); // one file, two sets: one item in each
            var waiter = threads.call("acceptor", first::awaitInput);
            TestThreads.awaitParked(waiter.thread, first);

            PollerDump dump = poller.dump();
            assertEquals(2, dump.itemCount());
            SetInfo set0 = dump.sets().get(0);
            assertEquals(3, set0.refs(), "owner + poller thread + one item");
            ItemInfo info = set0.items().getFirst();
            assertEquals(listener.fd(), info.fd());
            assertEquals(first.token(), info.token());
            assertTrue(info.reader().contains("acceptor"), info.toString());
            String text = dump.toString();
            assertTrue(text.contains("tfd: " + listener.fd()), text);
            assertTrue(text.contains(Long.toHexString(second.token())), text);

            listener.close(); // releases both items, wakes the acceptor
            waiter.thread.join();
            assertEquals(WaitResult.FILE_CLOSED, waiter.value);
            PollerStats stats = poller.stats();
            assertEquals(2, stats.registrations());
            assertEquals(2, stats.releases());
            assertEquals(0, stats.liveItems());
            assertEquals(0, poller.dump().itemCount());
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void closingThePollerFreesEverySetExactlyOnce(PollerMode mode) throws Exception {
        Poller poller = Poller.open(new PollerConfig(3, mode, 16));
        PollFile[] p = Fixtures.pair();
        poller.register(p[0]);
        poller.close();
        poller.close(); // idempotent
        PollerStats stats = poller.stats();
        assertEquals(3, stats.setsFreed());
        for (SetInfo set : poller.dump().sets()) {
            assertEquals(0, set.refs(), set.toString());
            assertEquals(1, set.frees(), set.toString());
        }
        Fixtures.closeAll(p); // the item was already released by the set close; nothing left to do
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void invalidConfigurationIsRejectedWithAClearMessage(PollerMode mode) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PollerConfig(0, mode, 16));
        assertTrue(e.getMessage().contains("sets must be"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PollerConfig(1, mode, 0));
    }
}
