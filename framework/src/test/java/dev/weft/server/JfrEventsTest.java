package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server's JFR events are off by default and, once enabled, describe each connection. */
@ExtendWith(NoFdLeaks.class)
class JfrEventsTest {

    @Test
    void enabledConnectionEventsRecordAcceptAndCloseWithBytesAndCause() throws Exception {
        Path file = Files.createTempFile("weft", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.ConnectionAccepted");
            recording.enable("dev.weft.ConnectionClosed");
            recording.start();
            try (Server server = Server.builder().port(0).start(Handlers.ECHO)) {
                assertArrayEquals("jfr!".getBytes(), Clients.echo(server.address(), "jfr!".getBytes()));
                TcpServerTest.awaitActive(server, 0);
            }
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            List<RecordedEvent> accepted = byName(events, "dev.weft.ConnectionAccepted");
            List<RecordedEvent> closed = byName(events, "dev.weft.ConnectionClosed");
            assertEquals(1, accepted.size(), events.toString());
            assertEquals(1, closed.size(), events.toString());
            RecordedEvent c = closed.getFirst();
            assertEquals(4, c.getLong("bytesIn"));
            assertEquals(4, c.getLong("bytesOut"));
            assertEquals("handler returned", c.getString("cause"));
            assertEquals(accepted.getFirst().getInt("fd"), c.getInt("fd"));
            assertTrue(c.getLong("lifetime") > 0);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void eventsAreOffByDefault() throws Exception {
        Path file = Files.createTempFile("weft", ".jfr");
        try (Recording recording = new Recording()) { // default settings: nothing of weft's enabled
            recording.start();
            try (Server server = Server.builder().port(0).start(Handlers.ECHO)) {
                Clients.echo(server.address(), new byte[] {1});
                TcpServerTest.awaitActive(server, 0);
            }
            recording.stop();
            recording.dump(file);
            assertTrue(RecordingFile.readAllEvents(file).stream()
                    .noneMatch(e -> e.getEventType().getName().startsWith("dev.weft.")));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> byName(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
