package dev.weft.sample.todo;

/** One to-do item as stored and served. */
public record Todo(long id, String title, boolean done) {}
