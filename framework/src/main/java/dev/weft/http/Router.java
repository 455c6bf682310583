package dev.weft.http;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes a request by method and path pattern, through the filters: the server-wide filters around everything
 * (404 and 405 included), then the matched route's group filters, then its handler. 404 when no pattern
 * matches the path, 405 with an Allow field when patterns match but not for this method (GET routes also serve
 * HEAD). Before each stage runs, the fields set so far are marked as kept, so an error response keeps the
 * filters' fields and drops the failed stage's. Immutable once built; shared by every connection.
 */
final class Router {
    record Route(String method, PathPattern pattern, Handler handler, Routes group) {}

    private record Bound(Route route, List<Filter> filters) {}

    private final List<Bound> routes;
    private final List<Filter> filters;
    private final Errors errors;

    Router(Routes root, Errors errors) {
        this.routes = root.routes().stream().map(r -> new Bound(r, List.copyOf(r.group().groupFilters()))).toList();
        this.filters = List.copyOf(root.filters());
        this.errors = errors;
    }

    /** Every method some route serves, for OPTIONS * (RFC 9110 §9.3.7). */
    Set<String> allMethods() {
        Set<String> methods = new LinkedHashSet<>();
        for (Bound b : routes) {
            String m = b.route().method();
            if (!m.equals(Routes.ANY)) {
                methods.add(m);
            }
            if (m.equals("GET")) {
                methods.add("HEAD");
            }
        }
        methods.add("OPTIONS");
        return methods;
    }

    void handle(Request request, Response response) throws Exception {
        if (filters.isEmpty()) {
            response.keepFieldsSetSoFar();
            dispatch(request, response); // no chain to build: no lambda per request
        } else {
            chain(filters, 0, request, response, () -> dispatch(request, response));
        }
    }

    private static void chain(List<Filter> filters, int index, Request request, Response response,
                              Filter.Chain last) throws Exception {
        response.keepFieldsSetSoFar();
        if (index < filters.size()) {
            filters.get(index).filter(request, response, () -> chain(filters, index + 1, request, response, last));
        } else {
            last.proceed();
        }
    }

    private void dispatch(Request request, Response response) throws Exception {
        String path = request.path();
        Bound chosen = null;
        Map<String, String> chosenParams = null;
        Bound get = null;                   // for HEAD: the first GET route of the path, if no HEAD route
        Map<String, String> getParams = null;
        Set<String> allowed = null;
        String method = request.method();
        for (Bound b : routes) {
            Map<String, String> params = b.route().pattern().match(path);
            if (params == null) {
                continue;
            }
            String m = b.route().method();
            if (m.equals(method) || m.equals(Routes.ANY)) {
                chosen = b;
                chosenParams = params;
                break;
            }
            if (get == null && m.equals("GET") && method.equals("HEAD")) {
                get = b;
                getParams = params;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(m);
            if (m.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (chosen == null && get != null) {
            chosen = get;
            chosenParams = getParams;
        }
        if (chosen != null) {
            Route r = chosen.route();
            request.route(r.pattern().toString(), chosenParams);
            if (chosen.filters().isEmpty()) {
                response.keepFieldsSetSoFar();
                r.handler().handle(request, response);
            } else {
                chain(chosen.filters(), 0, request, response, () -> r.handler().handle(request, response));
            }
        } else if (allowed == null) {
            errors.send(response, 404, "no route for " + request.path());
        } else {
            response.header("Allow", String.join(", ", allowed));
            errors.send(response, 405, request.method() + " is not allowed here");
        }
    }
}
