package switchboard.bench;

import java.nio.charset.StandardCharsets;

/**
 * Allocation-free scanning of the server's JSON objects, in place in the receive buffer.
 *
 * <p>Only the top level of an object is looked at (nested objects and arrays are skipped as a whole),
 * so a key inside {@code history}, {@code members} or {@code data} is never mistaken for a top-level
 * one, and field order does not matter (JSON-B writes keys in lexicographic order, Node in insertion
 * order). Example input: {@code {"type":"message","room":"r0","offset":58,"text":"S1.M.0.7.123.x"}}.
 */
final class Json {
    private Json() {}

    static final byte[] TYPE = b("type"), ROOM = b("room"), TOPIC = b("topic"), OFFSET = b("offset"),
            TEXT = b("text"), EPOCH = b("epoch"), RECOVERED = b("recovered"), DATA = b("data"),
            CODE = b("code"), HISTORY = b("history"), B = b("b"), ROW = b("row");

    static final byte[] T_MESSAGE = b("message"), T_NOTIFICATION = b("notification"), T_JOINED = b("joined"),
            T_SUBSCRIBED = b("subscribed"), T_WELCOME = b("welcome"), T_PONG = b("pong"), T_ERROR = b("error"),
            T_PRESENCE = b("presence"), T_WHISPER = b("whisper");

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The top-level fields the load generator cares about; reused, one per selector thread. */
    static final class Fields {
        int typeS, typeE, textS, textE, epochS, epochE, dataS, dataE, codeS, codeE, histS, histE;
        long offset;
        boolean hasOffset;
        int recovered; // -1 absent, 0 false, 1 true

        void reset() {
            typeS = typeE = textS = textE = epochS = epochE = dataS = dataE = codeS = codeE = histS = histE = -1;
            hasOffset = false;
            offset = 0;
            recovered = -1;
        }
    }

    /**
     * Scans the object that starts at or after {@code s} (leading whitespace allowed) and ends before
     * {@code e}; fills {@code f}. Returns false when the text is not a well-formed object.
     */
    static boolean scan(byte[] b, int s, int e, Fields f) {
        f.reset();
        int i = skipWs(b, s, e);
        if (i >= e || b[i] != '{') return false;
        i++;
        while (true) {
            i = skipWs(b, i, e);
            if (i >= e) return false;
            byte c = b[i];
            if (c == '}') return true;
            if (c == ',') { i++; continue; }
            if (c != '"') return false;
            int ks = i + 1, ke = strEnd(b, ks, e);
            if (ke < 0) return false;
            i = skipWs(b, ke + 1, e);
            if (i >= e || b[i] != ':') return false;
            int vs = skipWs(b, i + 1, e);
            int ve = skipValue(b, vs, e);
            if (ve < 0) return false;
            assign(f, b, ks, ke, vs, ve);
            i = ve;
        }
    }

    private static void assign(Fields f, byte[] b, int ks, int ke, int vs, int ve) {
        int n = ke - ks;
        switch (n) {
            case 4:
                if (eq(b, ks, TYPE) && b[vs] == '"') { f.typeS = vs + 1; f.typeE = ve - 1; }
                else if (eq(b, ks, TEXT) && b[vs] == '"') { f.textS = vs + 1; f.textE = ve - 1; }
                else if (eq(b, ks, DATA)) { f.dataS = vs; f.dataE = ve; }
                else if (eq(b, ks, CODE) && b[vs] == '"') { f.codeS = vs + 1; f.codeE = ve - 1; }
                break;
            case 5:
                if (eq(b, ks, EPOCH) && b[vs] == '"') { f.epochS = vs + 1; f.epochE = ve - 1; }
                break;
            case 6:
                if (eq(b, ks, OFFSET)) {
                    long v = parseLong(b, vs, ve);
                    if (v >= 0) { f.offset = v; f.hasOffset = true; }
                }
                break;
            case 7:
                if (eq(b, ks, HISTORY) && b[vs] == '[') { f.histS = vs; f.histE = ve; }
                break;
            case 9:
                if (eq(b, ks, RECOVERED)) f.recovered = b[vs] == 't' ? 1 : 0;
                break;
            default:
                break;
        }
    }

    /**
     * Finds a top-level string value of {@code key} in the object in [s, e); returns
     * {@code (start << 32) | end} of the string's content, or -1.
     */
    static long findString(byte[] b, int s, int e, byte[] key) {
        long v = findValue(b, s, e, key);
        if (v < 0) return -1;
        int vs = (int) (v >>> 32), ve = (int) v;
        return b[vs] == '"' ? ((long) (vs + 1) << 32) | (ve - 1) : -1;
    }

    /**
     * Finds a top-level value of {@code key} (any JSON value) in the object in [s, e); returns
     * {@code (start << 32) | end} of the value, or -1.
     */
    static long findValue(byte[] b, int s, int e, byte[] key) {
        int i = skipWs(b, s, e);
        if (i >= e || b[i] != '{') return -1;
        i++;
        while (true) {
            i = skipWs(b, i, e);
            if (i >= e) return -1;
            byte c = b[i];
            if (c == '}') return -1;
            if (c == ',') { i++; continue; }
            if (c != '"') return -1;
            int ks = i + 1, ke = strEnd(b, ks, e);
            if (ke < 0) return -1;
            i = skipWs(b, ke + 1, e);
            if (i >= e || b[i] != ':') return -1;
            int vs = skipWs(b, i + 1, e);
            int ve = skipValue(b, vs, e);
            if (ve < 0) return -1;
            if (ke - ks == key.length && eq(b, ks, key)) return ((long) vs << 32) | ve;
            i = ve;
        }
    }

    static boolean eq(byte[] b, int s, byte[] key) {
        for (int k = 0; k < key.length; k++) if (b[s + k] != key[k]) return false;
        return true;
    }

    static boolean eq(byte[] b, int s, int e, byte[] key) {
        return e - s == key.length && eq(b, s, key);
    }

    static int skipWs(byte[] b, int i, int e) {
        while (i < e) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
            i++;
        }
        return i;
    }

    /** Index of the closing quote of a string whose content starts at {@code i}, or -1. */
    static int strEnd(byte[] b, int i, int e) {
        while (i < e) {
            byte c = b[i];
            if (c == '"') return i;
            if (c == '\\') i++;
            i++;
        }
        return -1;
    }

    /** Index just after the value starting at {@code i}, or -1. */
    static int skipValue(byte[] b, int i, int e) {
        if (i >= e) return -1;
        byte c = b[i];
        if (c == '"') {
            int q = strEnd(b, i + 1, e);
            return q < 0 ? -1 : q + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < e) {
                c = b[i];
                if (c == '"') {
                    int q = strEnd(b, i + 1, e);
                    if (q < 0) return -1;
                    i = q + 1;
                    continue;
                }
                if (c == '{' || c == '[') depth++;
                else if (c == '}' || c == ']') {
                    if (--depth == 0) return i + 1;
                }
                i++;
            }
            return -1;
        }
        while (i < e) {
            c = b[i];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') break;
            i++;
        }
        return i;
    }

    /** Non-negative decimal integer in [s, e), or -1. */
    static long parseLong(byte[] b, int s, int e) {
        if (s >= e) return -1;
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    static String str(byte[] b, int s, int e) {
        return s < 0 ? null : new String(b, s, e - s, StandardCharsets.UTF_8);
    }
}
