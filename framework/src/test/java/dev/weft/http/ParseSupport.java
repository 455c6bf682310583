package dev.weft.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Feeds raw bytes to the parser whole or split, and reports the outcome as a comparable string. */
final class ParseSupport {
    private ParseSupport() {}

    /**
     * "ok METHOD PATH 1.minor framing" (plus " consumed=N" when the head did not take every byte) or "error STATUS",
     * for the head in {@code raw}; "incomplete" if it never ends.
     */
    static String outcome(byte[] raw, int[] cuts, HttpLimits limits) {
        HeadParser parser = new HeadParser(limits);
        byte[] buf = new byte[0];
        int prev = 0;
        int[] points = Arrays.copyOf(cuts, cuts.length + 1);
        points[cuts.length] = raw.length;
        try {
            for (int cut : points) {
                int at = Math.min(Math.max(cut, prev), raw.length);
                buf = Arrays.copyOf(raw, at);
                prev = at;
                RequestHead head = parser.feed(buf, 0, buf.length);
                if (head != null) {
                    Framing framing = Framing.of(head);
                    return "ok " + head.method() + " " + head.path() + " 1." + head.minorVersion()
                            + (framing.chunked() ? " chunked" : " length=" + framing.length())
                            + (parser.consumed() == raw.length ? "" : " consumed=" + parser.consumed());
                }
            }
            return "incomplete";
        } catch (HttpException e) {
            return "error " + e.status();
        }
    }

    static String outcome(String raw) {
        return outcome(raw.getBytes(StandardCharsets.ISO_8859_1), new int[0], HttpLimits.defaults());
    }

    /** The same bytes delivered one at a time. */
    static String outcomeBytewise(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        int[] cuts = new int[bytes.length];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i;
        }
        return outcome(bytes, cuts, HttpLimits.defaults());
    }
}
