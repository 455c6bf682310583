package dev.weft.sample.todo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory to-do list behind /todos, shared by the weft and the Helidon routes.
 *
 * <pre>
 * Threading: any thread; todos is a concurrent map, ids and count atomic counters. Todo is immutable.
 * </pre>
 */
public final class TodoStore {
    static final int MAX_TITLE = 200;
    /** The store holds at most this many (a sample, not a database: its memory stays bounded). */
    public static final int MAX_TODOS = 10_000;

    private final ConcurrentSkipListMap<Long, Todo> todos = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger(); // todos stored or being stored: bounded by MAX_TODOS

    /** Validates and stores a new to-do; throws {@link InvalidTodoException} naming what is wrong. */
    public Todo create(NewTodo input) {
        if (input == null || input.title() == null || input.title().isBlank()) {
            throw new InvalidTodoException("title is required");
        }
        if (input.title().length() > MAX_TITLE) {
            throw new InvalidTodoException("title must be at most " + MAX_TITLE + " characters");
        }
        if (count.incrementAndGet() > MAX_TODOS) {
            count.decrementAndGet();
            throw new InvalidTodoException("the list is full (" + MAX_TODOS + " todos): delete some first");
        }
        Todo todo = new Todo(ids.incrementAndGet(), input.title().strip(), Boolean.TRUE.equals(input.done()));
        todos.put(todo.id(), todo);
        return todo;
    }

    public Optional<Todo> get(long id) {
        return Optional.ofNullable(todos.get(id));
    }

    /** Every to-do, oldest first, optionally only those {@code done} (or not) and whose title contains {@code q}. */
    public List<Todo> list(Boolean done, String q) {
        String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
        return todos.values().stream()
                .filter(t -> done == null || t.done() == done)
                .filter(t -> needle == null || t.title().toLowerCase(Locale.ROOT).contains(needle))
                .toList();
    }

    public boolean delete(long id) {
        if (todos.remove(id) == null) {
            return false;
        }
        count.decrementAndGet();
        return true;
    }

    /** Parses a to-do id from a path; {@link InvalidTodoException} when it is not a positive number. */
    public static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidTodoException("id must be a positive number, was " + text);
    }

    /** Parses the done filter: true, false, or absent (null); anything else is invalid. */
    public static Boolean doneFilter(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidTodoException("done must be true or false, was " + text);
        };
    }
}
