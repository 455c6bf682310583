package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Property: a shared constant pair is never written through, whatever is added, removed or dropped after it. */
class ResponseFieldsTest {
    private static final String[] CONSTANT = {"Content-Type", "text/plain"};

    @Test
    void addingAfterASharedPairCopiesItFirst() {
        ResponseFields f = new ResponseFields();
        f.addShared(CONSTANT);
        f.add("X-A", "1");
        f.add("X-B", "2");
        assertArrayEquals(new String[] {"Content-Type", "text/plain"}, CONSTANT);
        assertEquals(6, f.size());
        assertEquals(java.util.List.of("Content-Type", "text/plain", "X-A", "1", "X-B", "2"), strings(f));
    }

    @Test
    void truncatingASharedPairAndAddingLeavesTheConstantAlone() {
        ResponseFields f = new ResponseFields();
        f.addShared(CONSTANT);
        f.truncate(0); // an error response drops the handler's fields
        f.add("Allow", "GET");
        assertArrayEquals(new String[] {"Content-Type", "text/plain"}, CONSTANT);
        assertEquals(java.util.List.of("Allow", "GET"), strings(f));
        assertFalse(f.has("content-type"));
    }

    @Test
    void aSharedPairAfterOtherFieldsIsAppendedAsACopy() {
        ResponseFields f = new ResponseFields();
        f.add("X-A", "1");
        f.addShared(CONSTANT);
        f.truncate(2);
        f.add("X-B", "2");
        assertArrayEquals(new String[] {"Content-Type", "text/plain"}, CONSTANT);
        assertEquals(java.util.List.of("X-A", "1", "X-B", "2"), strings(f));
        assertTrue(f.has("x-b"));
    }

    @Test
    void removingDropsEveryMatchInOrderAndNeverWritesThroughASharedPair() {
        ResponseFields f = new ResponseFields();
        f.addShared(CONSTANT);
        f.remove("content-type");
        assertEquals(0, f.size());
        f.addShared(CONSTANT);
        f.remove("x-other"); // nothing matches: the shared pair stays as it is
        assertEquals(java.util.List.of("Content-Type", "text/plain"), strings(f));
        f.add("X-A", "1");
        f.add("content-TYPE", "text/html");
        f.add("X-B", "2");
        f.remove("Content-Type");
        assertEquals(java.util.List.of("X-A", "1", "X-B", "2"), strings(f));
        assertArrayEquals(new String[] {"Content-Type", "text/plain"}, CONSTANT);
    }

    private static java.util.List<String> strings(ResponseFields f) {
        java.util.List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            all.add(f.get(i));
        }
        return all;
    }
}
