package dev.weft.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged sample (target/weft-sample.jar) as a separate process, the way a user starts it: this test JVM's
 * java, {@code -jar}, the given flags. Its output is collected; it is stopped by its pid (SIGTERM).
 */
final class SampleProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("(http://[0-9.]+:\\d+)/plaintext");

    private final Process process;
    private final List<String> stdout = new ArrayList<>(); // guarded by itself
    private final CompletableFuture<URI> base = new CompletableFuture<>();
    private final Thread pump;

    private SampleProcess(Process process) {
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().name("sample-stdout").start(this::pump);
    }

    static SampleProcess start(String... flags) throws IOException {
        return start(List.of(), flags);
    }

    /** The sample with {@code jvmOptions} before {@code -jar} (e.g. {@code -XX:ActiveProcessorCount=1}). */
    static SampleProcess start(List<String> jvmOptions, String... flags) throws IOException {
        Path jar = Path.of("target", "weft-sample.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run through `./mvnw verify`");
        }
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(flags));
        return new SampleProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** The java of this JVM (the build's JDK 25). */
    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (stdout) {
                    stdout.add(line);
                }
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    base.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            base.completeExceptionally(e);
        }
        base.completeExceptionally(new IllegalStateException("the sample ended before printing its URL: " + output()));
    }

    /** http://host:port of the running sample, once it printed it. */
    URI base() throws Exception {
        return base.get(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, then its exit code (waits for the graceful stop). */
    int terminate() throws InterruptedException {
        // The handle's destroy, not Process.destroy(): that one also closes our end of the child's stdout, and
        // what the child prints while it stops (its counters) would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the sample did not stop within 60 s: " + output());
        }
        pump.join(10_000);
        return process.exitValue();
    }

    String output() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
