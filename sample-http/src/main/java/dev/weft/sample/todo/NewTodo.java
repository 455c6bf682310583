package dev.weft.sample.todo;

/** What a client sends to create a to-do: a title (1..200 characters), and optionally done. */
public record NewTodo(String title, Boolean done) {}
