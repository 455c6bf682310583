package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Registration is failure-atomic (issue 10, poller defect 5): an allocation failure after the item was published
 * and its ADD made — while queueing for the file's lock — used to leave an item in the token table that was
 * neither linked to its file nor holding a reference, and the set's close then tripped an assert (an NPE
 * without -ea). Now the token is retired: nothing is left in the table, the slot is reused, every set is freed
 * once.
 */
@ExtendWith(NoFdLeaks.class)
class RegistrationFailureTest {

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aRegistrationFailingAfterItsAddLeavesNothingInTheTable(PollerMode mode) throws Exception {
        InjectedFaults hook = InjectedFaults.once(Faults.Step.REGISTER_LINK, 0,
                () -> new OutOfMemoryError("injected: no memory for the file lock's queue node"));
        Poller poller = PollerThreadDeathTest.open(new PollerConfig(1, mode, 16), hook, failure -> { });
        PollFile[] failed = Fixtures.pair();
        PollFile[] next = Fixtures.pair();
        try {
            long before = poller.stats().registrations();
            assertThrows(OutOfMemoryError.class, () -> poller.register(failed[0]));
            assertEquals(0, poller.dump().itemCount(), poller.dump().toString());
            assertEquals(before, poller.stats().registrations());

            Item item = poller.register(next[0]); // the retired slot is handed out again, under a new generation
            assertEquals(0, TokenTable.slot(item.token()));
            assertEquals(2, TokenTable.generation(item.token()));
            failed[0].close(); // its list is empty: close(2) at once, which drops the kernel registration
        } finally {
            poller.close(); // used to assert "item not on its file's list" on the half-registered item
            Fixtures.closeAll(failed[0], failed[1], next[0], next[1]);
        }
        for (SetInfo set : poller.dump().sets()) {
            assertEquals(1, set.frees(), set.toString());
            assertEquals(0, set.refs(), set.toString());
        }
    }
}
