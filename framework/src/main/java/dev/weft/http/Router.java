package dev.weft.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Routes a request by method and path pattern, through the filters: 404 when no pattern matches the path, 405
 * with an Allow field when patterns match but not for this method (GET routes also serve HEAD). Immutable once
 * built; shared by every connection.
 */
final class Router {
    record Route(String method, PathPattern pattern, Handler handler) {}

    private final List<Route> routes;
    private final List<Filter> filters;
    private final Function<Exception, Integer> errorStatus;

    Router(List<Route> routes, List<Filter> filters, Function<Exception, Integer> errorStatus) {
        this.routes = List.copyOf(routes);
        this.filters = List.copyOf(filters);
        this.errorStatus = errorStatus;
    }

    /** The status an exception from a handler maps to (default 500). */
    int errorStatus(Exception e) {
        Integer status = errorStatus.apply(e);
        return status == null ? 500 : status;
    }

    /** Every method some route serves, for OPTIONS * (RFC 9110 §9.3.7). */
    Set<String> allMethods() {
        Set<String> methods = new LinkedHashSet<>();
        for (Route r : routes) {
            methods.add(r.method());
            if (r.method().equals("GET")) {
                methods.add("HEAD");
            }
        }
        methods.add("OPTIONS");
        return methods;
    }

    void handle(Request request, Response response) throws Exception {
        chain(0, request, response);
    }

    private void chain(int index, Request request, Response response) throws Exception {
        if (index < filters.size()) {
            filters.get(index).filter(request, response, () -> chain(index + 1, request, response));
        } else {
            dispatch(request, response);
        }
    }

    private void dispatch(Request request, Response response) throws Exception {
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        String[] parts = PathPattern.segments(request.path());
        Set<String> allowed = null;
        for (Route r : routes) {
            Map<String, String> params = r.pattern().match(parts);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                request.pathParams(params);
                r.handler().handle(request, response);
                return;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method());
            if (r.method().equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (allowed == null) {
            response.status(404).send("Not Found\n");
        } else {
            response.status(405).header("Allow", String.join(", ", allowed)).send("Method Not Allowed\n");
        }
    }
}
