package dev.weft.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A poll set's table from tokens to items — what epoll hands back in {@code epoll_event.data} is a token, never
 * an fd. Token = generation (high 32 bits) | slot (low 32 bits). Freeing a slot bumps its generation, so an
 * event still carrying the old token (queued before close(2), or delivered through a dup of the fd) no longer
 * matches and is dropped. Slot 0xFFFFFFFF is never handed out, so token -1 is free for the wake-up eventfd.
 *
 * <pre>
 * Locking: every method that changes the table must be called with the owning PollSet's lock held.
 *   slots        the array is replaced (volatile write) when it grows; elements are written with release
 *                semantics and read with acquire by lookup() and forEach(), which take no lock.
 *   generations, nextFree, freeHead, used: guarded by the set's lock.
 * </pre>
 */
final class TokenTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Item[].class);

    private volatile Item[] slots = new Item[16];
    private int[] generations = new int[16]; // guarded by the set's lock
    private int[] nextFree = new int[16];    // guarded by the set's lock; free list through unused slots
    private int freeHead = -1;               // guarded by the set's lock
    private int used;                        // guarded by the set's lock: slots ever handed out

    static int slot(long token) {
        return (int) token;
    }

    static int generation(long token) {
        return (int) (token >>> 32);
    }

    /** Reserves a slot and returns its token; the item is {@link #publish}ed under that token next. */
    long allocate() {
        int slot;
        if (freeHead >= 0) {
            slot = freeHead;
            freeHead = nextFree[slot];
        } else {
            if (used == slots.length) {
                grow();
            }
            generations[used] = 1;
            slot = used++;
        }
        return ((long) generations[slot] << 32) | (slot & 0xFFFF_FFFFL);
    }

    private void grow() {
        int size = slots.length * 2;
        Item[] bigger = Arrays.copyOf(slots, size);
        generations = Arrays.copyOf(generations, size);
        nextFree = Arrays.copyOf(nextFree, size);
        slots = bigger; // the volatile write publishes the copied elements
    }

    /** Makes {@code item} findable by its token (release: a lock-free reader sees it fully built). */
    void publish(Item item) {
        SLOT.setRelease(slots, slot(item.token), item);
    }

    /** Empties the token's slot and retires the token: any event still carrying it is now stale. */
    void free(long token) {
        int slot = slot(token);
        SLOT.setRelease(slots, slot, (Item) null);
        generations[slot]++;
        if (generations[slot] == 0) {
            generations[slot] = 1; // keep tokens non-zero after wrap-around
        }
        nextFree[slot] = freeHead;
        freeHead = slot;
    }

    /** The item registered under {@code token}, or null when the token is stale. Lock-free. */
    Item lookup(long token) {
        Item[] table = slots;
        int slot = slot(token);
        Item item = slot >= 0 && slot < table.length ? (Item) SLOT.getAcquire(table, slot) : null;
        return item != null && item.token == token ? item : null;
    }

    /** Visits every item in the table. Lock-free (a snapshot: items freed meanwhile may or may not be seen). */
    void forEach(Consumer<Item> action) {
        Item[] table = slots;
        for (int slot = 0; slot < table.length; slot++) {
            Item item = (Item) SLOT.getAcquire(table, slot);
            if (item != null) {
                action.accept(item);
            }
        }
    }

    /** Items in the table now (a lock-free count). */
    int size() {
        int[] n = {0};
        forEach(item -> n[0]++);
        return n[0];
    }
}
