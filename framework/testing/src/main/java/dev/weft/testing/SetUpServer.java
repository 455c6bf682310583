package dev.weft.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method of an {@link HttpServerTest} class that configures the server before it starts: it
 * takes one {@link dev.weft.http.HttpServer.Builder} (routes, filters, limits, JSON, observers). Several run in
 * a deterministic order, superclasses' first; host and port are set by the extension.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SetUpServer {
}
