package dev.weft.testing;

import dev.weft.http.HttpServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The extension behind {@link HttpServerTest}: one server per test class, started before its first test and
 * closed (gracefully) after its last, in {@code afterAll} — so an extension registered before it (a leak
 * check, say) sees the server gone.
 */
public final class HttpServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HttpServerExtension.class);

    /** Created by JUnit. */
    public HttpServerExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        HttpServer.Builder builder = HttpServer.builder().port(0);
        builder.tcp().host(InetAddress.getLoopbackAddress());
        for (Method m : setUpMethods(testClass)) {
            m.setAccessible(true);
            try {
                m.invoke(null, builder);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e; // the set-up's own failure, unwrapped
            }
        }
        context.getStore(NS).put(HttpServer.class, builder.start());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        HttpServer server = context.getStore(NS).remove(HttpServer.class, HttpServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == URI.class || type == InetSocketAddress.class || type == HttpServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        HttpServer server = context.getStore(NS).get(HttpServer.class, HttpServer.class);
        if (server == null) {
            throw new ExtensionConfigurationException("the server of @HttpServerTest is not running here");
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == HttpServer.class) {
            return server;
        }
        InetSocketAddress address = server.address();
        return type == InetSocketAddress.class ? address
                : URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /** The {@link SetUpServer} methods, superclasses first, each checked for its shape. */
    private static List<Method> setUpMethods(Class<?> testClass) {
        List<Method> methods = AnnotationSupport.findAnnotatedMethods(testClass, SetUpServer.class,
                HierarchyTraversalMode.TOP_DOWN);
        for (Method m : methods) {
            if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != HttpServer.Builder.class) {
                throw new ExtensionConfigurationException("@SetUpServer method " + m
                        + " must be static and take one HttpServer.Builder");
            }
        }
        return methods;
    }
}
