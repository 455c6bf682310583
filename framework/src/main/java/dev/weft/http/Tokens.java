package dev.weft.http;

/** Character classes of RFC 9110 §5.6.2 (token) and §5.5 (field values), as lookup tables. */
final class Tokens {
    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // field-value: VCHAR, SP, HTAB, obs-text; never NUL, other CTLs or DEL
        FIELD_VALUE['\t'] = true;
        for (int c = 0x20; c <= 0x7E; c++) {
            FIELD_VALUE[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VALUE[c] = true;
        }
    }

    private Tokens() {}

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isFieldValueByte(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    /** A request-target byte: visible ASCII only (RFC 9112 §3.2; no CTL, SP or obs-text). */
    static boolean isTargetByte(byte b) {
        return b >= 0x21 && b <= 0x7E;
    }
}
