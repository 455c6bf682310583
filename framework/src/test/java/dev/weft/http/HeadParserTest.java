package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9112 head parsing and framing rules: each row one rule, whole and byte-by-byte. */
class HeadParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain GET                         | GET /a?b=1 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                         | ok GET /a 1.1 length=0
            HTTP/1.0 without Host             | GET / HTTP/1.0\\r\\n\\r\\n                                          | ok GET / 1.0 length=0
            leading empty line ignored §2.2   | \\r\\nGET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                        | ok GET / 1.1 length=0
            Content-Length                    | POST /p HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\n\\r\\n      | ok POST /p 1.1 length=5
            identical Content-Length twice    | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 5\\r\\n\\r\\n | ok POST / 1.1 length=5
            chunked                           | POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | ok POST / 1.1 chunked
            absolute-form §3.2.2              | GET http://h:8/p?q HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                  | ok GET /p 1.1 length=0
            OPTIONS asterisk §3.2.4           | OPTIONS * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                           | ok OPTIONS * 1.1 length=0
            HTTP/1.2 treated as 1.1           | GET / HTTP/1.2\\r\\nHost: x\\r\\n\\r\\n                               | ok GET / 1.1 length=0
            TE and CL together §6.3           | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | error 400
            differing Content-Length          | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\n | error 400
            Content-Length list differs       | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5, 6\\r\\n\\r\\n    | error 400
            signed Content-Length             | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: +5\\r\\n\\r\\n      | error 400
            negative Content-Length           | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: -1\\r\\n\\r\\n      | error 400
            hex Content-Length                | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0x10\\r\\n\\r\\n    | error 400
            overflowing Content-Length        | POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | error 400
            TE not ending in chunked §6.3     | POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n | error 400
            TE chunked twice                  | POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | error 400
            TE unknown coding then chunked    | POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | error 501
            TE in HTTP/1.0 §6.1               | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n             | error 400
            whitespace before colon §5.1      | GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n                               | error 400
            obs-fold §5.2                     | GET / HTTP/1.1\\r\\nHost: x\\r\\nX: a\\r\\n b\\r\\n\\r\\n               | error 400
            bare LF §2.2                      | GET / HTTP/1.1\\nHost: x\\r\\n\\r\\n                                   | error 400
            bare CR §2.2                      | GET / HTTP/1.1\\r\\nHost: x\\rY: z\\r\\n\\r\\n                         | error 400
            NUL in a field value              | GET / HTTP/1.1\\r\\nHost: x\\r\\nX: a\\u0000b\\r\\n\\r\\n              | error 400
            control char in the target        | GET /a\\u0001b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                         | error 400
            two spaces in the request-line    | GET  / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                              | error 400
            missing Host in 1.1 §3.2          | GET / HTTP/1.1\\r\\n\\r\\n                                          | error 400
            repeated Host §3.2                | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                   | error 400
            repeated Host, apart, any case    | GET / HTTP/1.1\\r\\nhost: a\\r\\nX: y\\r\\nHOST: a\\r\\n\\r\\n          | error 400
            repeated Host in 1.0              | GET / HTTP/1.0\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                   | error 400
            Host with userinfo                | GET / HTTP/1.1\\r\\nHost: u@h\\r\\n\\r\\n                            | error 400
            Host with a path                  | GET / HTTP/1.1\\r\\nHost: h/p\\r\\n\\r\\n                            | error 400
            Host with a space inside          | GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n                            | error 400
            Host with a tab inside, in 1.0    | GET / HTTP/1.0\\r\\nHost: a\\tb\\r\\n\\r\\n                           | error 400
            Host in upper case, with a port   | GET / HTTP/1.1\\r\\nHOST: h:8080\\r\\n\\r\\n                         | ok GET / 1.1 length=0
            HTTP/2.0 request-line → 505       | GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n                               | error 505
            malformed version                 | GET / HTTP/1\\r\\nHost: x\\r\\n\\r\\n                                 | error 400
            lower-case version                | GET / http/1.1\\r\\nHost: x\\r\\n\\r\\n                               | error 400
            asterisk-form for GET             | GET * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                                | error 400
            CONNECT authority-form            | CONNECT h:443 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                         | error 501
            empty field name                  | GET / HTTP/1.1\\r\\nHost: x\\r\\n: v\\r\\n\\r\\n                       | error 400
            """)
    void ruleHoldsWholeAndBytewise(String rule, String raw, String expected) {
        String request = unescape(raw.trim());
        assertEquals(expected, ParseSupport.outcome(request), rule);
        assertEquals(expected, ParseSupport.outcomeBytewise(request), rule + " (one byte at a time)");
    }

    @Test
    void requestLineLimitIsExactly414OneByteOver() {
        HttpLimits limits = new HttpLimits(32, 1024, 100, 1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        String atLimit = "GET /" + "a".repeat(32 - 14) + " HTTP/1.1"; // 32 bytes
        assertEquals(32, atLimit.length());
        assertEquals("ok", ParseSupport.outcome((atLimit + "\r\nHost: x\r\n\r\n").getBytes(), new int[0], limits)
                .substring(0, 2));
        String over = "GET /" + "a".repeat(32 - 13) + " HTTP/1.1";
        assertEquals("error 414", ParseSupport.outcome((over + "\r\nHost: x\r\n\r\n").getBytes(), new int[0], limits));
        assertEquals("error 414", ParseSupport.outcome(over.getBytes(), new int[0], limits), "even before the CRLF");
    }

    @Test
    void headerSectionLimitIsExactly431OneByteOver() {
        HttpLimits limits = new HttpLimits(64, 40, 100, 1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        String fields = "Host: x\r\nX: " + "v".repeat(40 - 9 - 5) + "\r\n"; // 9 + 31 = 40 bytes exactly
        assertEquals(40, fields.length());
        assertEquals("ok", ParseSupport.outcome(("GET / HTTP/1.1\r\n" + fields + "\r\n").getBytes(), new int[0], limits)
                .substring(0, 2));
        String over = "Host: x\r\nX: " + "v".repeat(40 - 9 - 4) + "\r\n";
        assertEquals("error 431", ParseSupport.outcome(("GET / HTTP/1.1\r\n" + over + "\r\n").getBytes(), new int[0],
                limits));
    }

    @Test
    void headerCountLimitIs431() {
        HttpLimits limits = new HttpLimits(64, 4096, 3, 1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        assertEquals("error 431", ParseSupport.outcome("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
                .getBytes(), new int[0], limits));
    }

    @Test
    void headersAreCaseInsensitiveAndLazy() throws Exception {
        HeadParser parser = new HeadParser(HttpLimits.defaults());
        byte[] raw = "GET / HTTP/1.1\r\nHOST: example\r\nX-Thing:  spaced value \t\r\n\r\n".getBytes();
        RequestHead head = parser.feed(raw, 0, raw.length);
        assertEquals("example", head.headers().get("host"));
        assertEquals("spaced value", head.headers().get("x-thing"), "OWS trimmed");
        assertEquals("example", head.authority());
    }

    /** Property: a list-valued field holds a token when one element, OWS trimmed, equals it in any case. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "close                   | true",
            "Keep-Alive, CLOSE       | true",
            "keep-alive ,\tclose\t | true",
            "upgrade,,close          | true",
            "closed                  | false",
            "keep-alive, clos        | false",
            "'x, close-ish'          | false",
    })
    void aListFieldHoldsATokenWhenAnElementEqualsIt(String value, boolean holds) throws Exception {
        byte[] raw = ("GET / HTTP/1.1\r\nHost: h\r\nConnection: " + value.replace("\\t", "\t")
                + "\r\nConnection: x\r\n\r\n").getBytes();
        RequestHead head = new HeadParser(HttpLimits.defaults()).feed(raw, 0, raw.length);
        assertEquals(holds, head.headers().hasToken("connection", "close"));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000").replace("\\u0001", "\u0001")
                .replace("\\t", "\t");
    }
}
