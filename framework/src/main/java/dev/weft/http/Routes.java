package dev.weft.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A group of routes under a path prefix, with filters of its own, as {@link HttpServer.Builder#group} hands it
 * to the code that fills it:
 * <pre>{@code
 * HttpServer.builder()
 *         .group("/todos", todos -> todos
 *                 .filter(requireApiKey)                  // runs around /todos routes only
 *                 .get("/", (req, res) -> res.json(store.all()))
 *                 .get("/{id}", (req, res) -> res.json(store.get(req.pathParam("id")))))
 * }</pre>
 * A service is a method that fills a group ({@code .group("/todos", todoService::routes)}). Groups nest. A
 * pattern of {@code "/"} in a group is the prefix itself. The group's filters run, in the order added, after
 * the server-wide filters and only around the group's handlers (not for a 404 or 405 under its prefix). A
 * duplicate route — same method, same pattern shape (parameter names aside) — is an
 * {@link IllegalArgumentException} here, where it is registered.
 */
public final class Routes {
    /** The method of a route that serves every method ({@link #any}). */
    static final String ANY = "*";

    private final String prefix;                // "" at the root
    private final Routes parent;                // null at the root
    private final List<Filter> filters = new ArrayList<>(); // the root's are the server-wide filters
    private final Table table;

    private Routes(String prefix, Routes parent, Table table) {
        this.prefix = prefix;
        this.parent = parent;
        this.table = table;
    }

    static Routes root() {
        return new Routes("", null, new Table());
    }

    /**
     * Adds a route.
     *
     * @param method      the method token (case-sensitive), e.g. {@code "GET"}
     * @param pathPattern literal segments, {@code {name}} parameters and an optional final {@code *}, starting
     *                    with '/' (relative to the group's prefix)
     * @param handler     serves the matching requests
     * @return this group
     * @throws IllegalArgumentException for a malformed method or pattern, or a duplicate route
     * @throws NullPointerException     for a null argument
     */
    public Routes route(String method, String pathPattern, Handler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathPattern, "pathPattern");
        Objects.requireNonNull(handler, "handler");
        for (int i = 0; i < method.length(); i++) {
            if (!Tokens.isTchar((byte) method.charAt(i))) {
                throw new IllegalArgumentException("not a method token: " + method);
            }
        }
        if (method.isEmpty()) {
            throw new IllegalArgumentException("not a method token: (empty)");
        }
        table.add(new Router.Route(method, new PathPattern(join(prefix, pathPattern)), handler, this));
        return this;
    }

    /**
     * A GET route; it also serves HEAD unless a HEAD route of the same path comes first.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes get(String p, Handler h) {
        return route("GET", p, h);
    }

    /**
     * A POST route.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes post(String p, Handler h) {
        return route("POST", p, h);
    }

    /**
     * A PUT route.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes put(String p, Handler h) {
        return route("PUT", p, h);
    }

    /**
     * A PATCH route.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes patch(String p, Handler h) {
        return route("PATCH", p, h);
    }

    /**
     * A DELETE route.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes delete(String p, Handler h) {
        return route("DELETE", p, h);
    }

    /**
     * A HEAD route: it takes HEAD requests from a GET route of the same path.
     *
     * @param p the path pattern (see {@link #route})
     * @param h the handler
     * @return this group
     */
    public Routes head(String p, Handler h) {
        return route("HEAD", p, h);
    }

    /**
     * A route for every method (one that also has a method-specific route on the same path is tried in
     * registration order).
     *
     * @param p the pattern
     * @param h the handler
     * @return this group
     */
    public Routes any(String p, Handler h) {
        return route(ANY, p, h);
    }

    /**
     * Adds a filter around this group's handlers (at the root: around every request).
     *
     * @param filter the filter
     * @return this group
     */
    public Routes filter(Filter filter) {
        filters.add(Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /**
     * A nested group.
     *
     * @param prefix a path prefix: starts with '/', may hold parameters, no {@code *} (e.g. {@code /todos},
     *               {@code /todos/{id}/notes})
     * @param rules  fills the group
     * @return this group
     */
    public Routes group(String prefix, Consumer<Routes> rules) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(rules, "rules");
        if (!prefix.startsWith("/") || prefix.indexOf('*') >= 0) {
            throw new IllegalArgumentException("a group prefix starts with '/' and holds no '*': " + prefix);
        }
        new PathPattern(prefix); // its parameters must be well formed
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        rules.accept(new Routes(join(this.prefix, p.isEmpty() ? "/" : p), this, table));
        return this;
    }

    private static String join(String prefix, String pattern) {
        if (prefix.isEmpty() || prefix.equals("/")) {
            return pattern;
        }
        return pattern.equals("/") ? prefix : prefix + pattern;
    }

    /** The filters of this group and the groups around it, outermost first, the root's excluded. */
    List<Filter> groupFilters() {
        if (parent == null) {
            return List.of();
        }
        List<Filter> all = new ArrayList<>(parent.groupFilters());
        all.addAll(filters);
        return all;
    }

    List<Filter> filters() {
        return filters;
    }

    List<Router.Route> routes() {
        return table.routes;
    }

    /** Every route of one server, in registration order, checked for duplicates as they come. */
    private static final class Table {
        private final List<Router.Route> routes = new ArrayList<>();
        private final Map<String, Router.Route> byShape = new HashMap<>();

        void add(Router.Route route) {
            String key = route.method() + " " + route.pattern().shape();
            Router.Route earlier = byShape.putIfAbsent(key, route);
            if (earlier != null) {
                throw new IllegalArgumentException("duplicate route: " + route.method() + " " + route.pattern()
                        + " matches the same requests as " + earlier.method() + " " + earlier.pattern());
            }
            routes.add(route);
        }
    }
}
