package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9112 §7.1 chunked decoding: each row one rule, whole and byte-by-byte, with what follows left unread. */
class ChunkedDecoderTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two chunks                      | 5\\r\\nhello\\r\\n1\\r\\n!\\r\\n0\\r\\n\\r\\nNEXT        | ok hello! rest=NEXT
            upper-case hex and leading 0s   | 00A\\r\\n0123456789\\r\\n0\\r\\n\\r\\n                 | ok 0123456789 rest=
            extensions ignored              | 3;name=val;q="a b"\\r\\nabc\\r\\n0;end\\r\\n\\r\\n      | ok abc rest=
            trailers validated and dropped  | 1\\r\\nx\\r\\n0\\r\\nChecksum: 1\\r\\n\\r\\nNEXT         | ok x rest=NEXT
            size with no digits             | ;x\\r\\nabc\\r\\n                                      | error 400
            non-hex size                    | g\\r\\nabc\\r\\n                                       | error 400
            size with a sign                | +3\\r\\nabc\\r\\n0\\r\\n\\r\\n                          | error 400
            overflowing size                | 1000000000000000\\r\\n                                 | error 400
            data longer than its size       | 2\\r\\nabc\\r\\n0\\r\\n\\r\\n                           | error 400
            bare LF after size              | 3\\nabc\\r\\n0\\r\\n\\r\\n                              | error 400
            bare CR in size line            | 3\\rx\\r\\nabc\\r\\n0\\r\\n\\r\\n                       | error 400
            space inside size               | 1 0\\r\\n                                              | error 400
            invalid extension               | 3;\\r\\nabc\\r\\n0\\r\\n\\r\\n                          | error 400
            obs-fold in trailers            | 0\\r\\nA: 1\\r\\n  2\\r\\n\\r\\n                        | error 400
            malformed trailer               | 0\\r\\nno colon\\r\\n\\r\\n                             | error 400
            body over the limit             | 40\\r\\n                                               | error 413
            """)
    void ruleHoldsWholeAndBytewise(String rule, String raw, String expected) {
        byte[] bytes = raw.trim().replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, decode(bytes, bytes.length), rule);
        assertEquals(expected, decode(bytes, 1), rule + " (one byte at a time)");
    }

    private static String decode(byte[] bytes, int step) {
        ChunkedDecoder decoder = new ChunkedDecoder(32, 1024);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pos = 0;
        try {
            while (pos < bytes.length && !decoder.done()) {
                int end = Math.min(bytes.length, pos + step);
                int next = decoder.decode(bytes, pos, end, body::write);
                pos = next;
            }
            if (!decoder.done()) {
                return "incomplete";
            }
            return "ok " + body.toString(StandardCharsets.ISO_8859_1) + " rest="
                    + new String(bytes, pos, bytes.length - pos, StandardCharsets.ISO_8859_1);
        } catch (HttpException e) {
            return "error " + e.status();
        }
    }
}
