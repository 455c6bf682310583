package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fails a test class that leaves an fd open: /proc/self/fd must be the same before and after it. */
public final class NoFdLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoFdLeaks.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // The JDK keeps one socket open for the life of the process once java.net.Socket is first used (the
        // "pre-close" socket NIO dup2s over fds it closes asynchronously); make it exist before the snapshot.
        new java.net.Socket().close();
        context.getStore(NS).put("fds", openFds());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = (Map<Integer, String>) context.getStore(NS).get("fds");
        Map<Integer, String> after = openFds();
        // Only the kinds of fd weft creates are compared: the JVM opens jars and the like lazily.
        assertEquals(pollerKinds(before), pollerKinds(after), "fds leaked by " + context.getDisplayName());
    }

    public static Map<Integer, String> openFds() throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                try {
                    fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException gone) {
                    // the fd of the directory listing itself, closed by now
                }
            }
        }
        return fds;
    }

    private static Map<Integer, String> pollerKinds(Map<Integer, String> fds) {
        Map<Integer, String> kinds = new TreeMap<>();
        fds.forEach((fd, target) -> {
            if (target.startsWith("socket:") || target.contains("[eventpoll]") || target.contains("[eventfd]")) {
                kinds.put(fd, target);
            }
        });
        return kinds;
    }
}
