package dev.weft.sample.todo;

/** A to-do that fails validation; the services answer it with 400 and a problem body. */
public final class InvalidTodoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidTodoException(String detail) {
        super(detail);
    }
}
