package dev.weft.helidon;

import io.helidon.common.Builder;
import io.helidon.common.Weights;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.Router;
import io.helidon.webserver.Routing;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.spi.ServerFeature;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the default socket's {@link Router}: the configured routings, after every {@link ServerFeature} (in
 * weight order, as stock Helidon applies them) has set itself up on them — observability, static content, or a
 * user's own feature. Stock Helidon does this in a package-private feature context; this is the same contract
 * for the one socket weft serves. One difference: a feature's routes are added to the routing builder directly,
 * where stock Helidon wraps each feature's additions to order them by weight against HTTP features.
 */
final class FeatureSetup implements ServerFeature.ServerFeatureContext {
    private final WebServerConfig config;
    private final HttpRouting.Builder httpRouting;
    private final Map<Class<?>, Object> routingsByType = new IdentityHashMap<>();
    private final List<Builder<?, ? extends Routing>> routings = new ArrayList<>();

    private FeatureSetup(WebServerConfig config) {
        this.config = config;
        HttpRouting.Builder http = config.routing().orElse(null);
        for (Builder<?, ? extends Routing> routing : config.routings()) {
            if (routing instanceof HttpRouting.Builder h) {
                http = h;
            } else {
                add(routing);
            }
        }
        this.httpRouting = http == null ? HttpRouting.builder() : http;
        add(httpRouting);
    }

    /** Sets up every feature of {@code config} and builds the router of its default socket. */
    static Router router(WebServerConfig config) {
        FeatureSetup setup = new FeatureSetup(config);
        List<ServerFeature> features = new ArrayList<>(config.features());
        Weights.sort(features);
        for (ServerFeature feature : features) {
            feature.setup(setup);
        }
        Router.Builder router = Router.builder();
        setup.routings.forEach(router::addRouting);
        return router.build();
    }

    /** A routing builder a feature made (Helidon's routing builders all build a {@link Routing}). */
    @SuppressWarnings("unchecked")
    private static Builder<?, ? extends Routing> asRouting(Builder<?, ?> builder) {
        return (Builder<?, ? extends Routing>) builder;
    }

    private void add(Builder<?, ? extends Routing> routing) {
        routingsByType.put(routing.getClass(), routing);
        routings.add(routing);
    }

    @Override
    public WebServerConfig serverConfig() {
        return config;
    }

    @Override
    public Set<String> sockets() {
        return Set.of(); // named sockets only; weft serves none
    }

    @Override
    public boolean socketExists(String socketName) {
        return WebServer.DEFAULT_SOCKET_NAME.equals(socketName);
    }

    @Override
    public ServerFeature.SocketBuilders socket(String socketName) {
        if (!socketExists(socketName)) {
            throw new NoSuchElementException("There is no socket named \"" + socketName + "\" (weft serves "
                    + WebServer.DEFAULT_SOCKET_NAME + " only)");
        }
        return new ServerFeature.SocketBuilders() {
            @Override
            public ListenerConfig listener() {
                return config;
            }

            @Override
            public HttpRouting.Builder httpRouting() {
                return httpRouting;
            }

            @Override
            public ServerFeature.RoutingBuilders routingBuilders() {
                return routingBuilders;
            }
        };
    }

    private final ServerFeature.RoutingBuilders routingBuilders = new ServerFeature.RoutingBuilders() {
        @Override
        public boolean hasRouting(Class<?> builderType) {
            return routingsByType.containsKey(builderType) || HttpRouting.class.equals(builderType);
        }

        @SuppressWarnings("unchecked")
        @Override
        public <T extends Builder<T, ?>> T routingBuilder(Class<T> builderType) {
            if (HttpRouting.class.equals(builderType) || builderType.isInstance(httpRouting)) {
                return (T) httpRouting; // features ask with HttpRouting.class, as with stock Helidon
            }
            Object routing = routingsByType.get(builderType);
            if (routing == null) {
                throw new NoSuchElementException("There is no routing builder of type " + builderType.getName());
            }
            return builderType.cast(routing);
        }

        @Override
        public <T extends Builder<T, ?>> T routingBuilder(Class<T> builderType, Supplier<T> builderSupplier) {
            if (hasRouting(builderType)) {
                return routingBuilder(builderType);
            }
            T routing = builderSupplier.get();
            add(asRouting(routing));
            return routing;
        }
    };
}
