package dev.weft.sample.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sample's store validates what it takes and stays bounded. */
class TodoStoreTest {
    @Test
    void aFullStoreRefusesANewTodoUntilOneIsDeleted() {
        TodoStore store = new TodoStore();
        long first = 0;
        for (int i = 0; i < TodoStore.MAX_TODOS; i++) {
            long id = store.create(new NewTodo("t" + i, null)).id();
            first = i == 0 ? id : first;
        }
        InvalidTodoException e = assertThrows(InvalidTodoException.class, () -> store.create(new NewTodo("x", null)));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        assertTrue(store.delete(first));
        assertEquals("x", store.create(new NewTodo("x", true)).title());
    }

    @Test
    void invalidInputIsRefusedWithItsReason() {
        TodoStore store = new TodoStore();
        assertThrows(InvalidTodoException.class, () -> store.create(new NewTodo(" ", null)));
        assertThrows(InvalidTodoException.class, () -> store.create(new NewTodo("x".repeat(201), null)));
        assertThrows(InvalidTodoException.class, () -> TodoStore.id("-1"));
        assertThrows(InvalidTodoException.class, () -> TodoStore.doneFilter("maybe"));
    }
}
