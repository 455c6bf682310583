package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of the head parser, the framing rules and the chunked decoder. For every input: (1) the parser
 * either accepts or rejects with its own HttpException — never another exception; (2) splitting the same bytes
 * differently never changes the verdict or the framing. Inputs: the corpus in src/test/resources/http-corpus
 * (replayed as is), then mutations of it (byte flips, inserted CR / LF / NUL / SP / ':' / digits, cuts,
 * duplicated runs). -Dweft.stress.factor multiplies the mutation count; -Dweft.fuzz.seed replays one run.
 */
class ParserPropertyTest {
    private static final byte[] INTERESTING = {'\r', '\n', 0, ' ', '\t', ':', ',', ';', '0', '9', 'a', 'F', '-',
            '+', (byte) 0x80, (byte) 0xFF, 0x7F, '/', '*', '?'};
    private static final HttpLimits LIMITS =
            new HttpLimits(128, 256, 16, 64, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 0);

    @Test
    void theCorpusAndItsMutationsAreAcceptedOrRejectedTheSameWayHoweverSplit() throws Exception {
        List<byte[]> corpus = corpus();
        long seed = Long.getLong("weft.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        int mutations = 20_000 * Integer.getInteger("weft.stress.factor", 1);
        for (byte[] input : corpus) {
            check(input, random, seed);
        }
        for (int i = 0; i < mutations; i++) {
            byte[] base = corpus.get(random.nextInt(corpus.size()));
            check(mutate(base, random), random, seed);
        }
    }

    private static void check(byte[] input, Random random, long seed) {
        String whole = verdict(input, new int[0]);
        int[] cuts = random.ints(random.nextInt(6), 0, input.length + 1).sorted().toArray();
        String split = verdict(input, cuts);
        assertEquals(whole, split, () -> "seed " + seed + ": split differently, read differently: "
                + printable(input) + " cuts " + java.util.Arrays.toString(cuts));
    }

    /** The head verdict, then (for accepted chunked heads) the body verdict, as one comparable string. */
    private static String verdict(byte[] input, int[] cuts) {
        String head;
        try {
            head = ParseSupport.outcome(input, cuts, LIMITS);
        } catch (RuntimeException e) {
            fail("the parser threw " + e + " on " + printable(input));
            return null;
        }
        if (!head.startsWith("ok") || !head.contains("chunked")) {
            return head;
        }
        int bodyStart = bodyStart(input);
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS.maxBodyBytes(), LIMITS.maxHeaderBytes());
        StringBuilder body = new StringBuilder();
        int pos = bodyStart;
        int cutIndex = 0;
        try {
            while (pos < input.length && !decoder.done()) {
                while (cutIndex < cuts.length && cuts[cutIndex] <= pos) {
                    cutIndex++;
                }
                int end = cutIndex < cuts.length ? cuts[cutIndex] : input.length;
                pos = decoder.decode(input, pos, end, (b, off, len) -> body.append(new String(b, off, len,
                        java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
            return head + " body=" + (decoder.done() ? body + " rest=" + (input.length - pos) : "incomplete");
        } catch (HttpException e) {
            return head + " body error " + e.status();
        } catch (RuntimeException e) {
            fail("the chunked decoder threw " + e + " on " + printable(input));
            return null;
        }
    }

    private static int bodyStart(byte[] input) {
        for (int i = 3; i < input.length; i++) {
            if (input[i] == '\n' && input[i - 1] == '\r' && input[i - 2] == '\n' && input[i - 3] == '\r') {
                return i + 1;
            }
        }
        return input.length;
    }

    private static byte[] mutate(byte[] base, Random r) {
        List<Byte> b = new ArrayList<>(base.length + 8);
        for (byte x : base) {
            b.add(x);
        }
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = r.nextInt(b.size());
            switch (r.nextInt(5)) {
                case 0 -> b.set(at, (byte) r.nextInt(256));
                case 1 -> b.add(at, INTERESTING[r.nextInt(INTERESTING.length)]);
                case 2 -> b.remove(at);
                case 3 -> b.subList(at, b.size()).clear();
                default -> {
                    int len = Math.min(1 + r.nextInt(16), b.size() - at);
                    b.addAll(at, new ArrayList<>(b.subList(at, at + len)));
                }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static List<byte[]> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(ParserPropertyTest.class.getResource("/http-corpus").toURI());
        List<byte[]> inputs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                inputs.add(Files.readAllBytes(p));
            }
        }
        return inputs;
    }

    private static String printable(byte[] input) {
        StringBuilder sb = new StringBuilder();
        for (byte x : input) {
            int c = x & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
