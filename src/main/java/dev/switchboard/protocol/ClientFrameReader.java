package dev.switchboard.protocol;

import java.util.function.Function;

/**
 * A hand-written reader for client frames in their plain form, the form every client writes them in:
 * {@code {"type":"say","room":"lobby","text":"hello","ref":"c-17"}} — {@code type} first, then only the fields of that
 * type, each once, strings (with JSON's escapes), plain integers, and {@code since} as a flat object.
 *
 * <p>Why: a reflective JSON-B decode of each frame was the largest single cost of receiving a chat message (JFR,
 * issue 15). This reader allocates the record, its strings and nothing else.
 *
 * <p>Rule: it never decides anything JSON-B would decide differently. Whatever is not plainly one of these forms —
 * another field order, unknown or repeated fields, {@code null}, booleans, numbers with a fraction or an exponent or
 * out of range, a lone surrogate escape, a control character, trailing text, bad JSON of any kind — makes it return
 * null, and {@link Wire#decode} decodes the text with JSON-B as before (including every error frame). So a frame means
 * the same whichever path reads it; {@code ClientFrameReaderTest} compares the two on valid and hostile input.
 */
final class ClientFrameReader {

    private enum Kind { STRING, LONG, INT, BOOLEAN, SINCE }

    /** One client frame type: its fields in any order after {@code type}, and how the record is made from them. */
    private record Shape(String type, String[] names, Kind[] kinds, Function<Object[], ClientMessage> make) {}

    private static final Kind S = Kind.STRING;

    private static final Shape[] SHAPES = {
        new Shape("say", names("room", "text", "ref"), kinds(S, S, S),
                v -> new ClientMessage.Say((String) v[0], (String) v[1], (String) v[2])),
        new Shape("join", names("room", "since", "ref"), kinds(S, Kind.SINCE, S),
                v -> new ClientMessage.Join((String) v[0], (Since) v[1], (String) v[2])),
        new Shape("leave", names("room", "ref"), kinds(S, S),
                v -> new ClientMessage.Leave((String) v[0], (String) v[1])),
        new Shape("typing", names("room", "ref"), kinds(S, S),
                v -> new ClientMessage.Typing((String) v[0], (String) v[1])),
        new Shape("whisper", names("to", "text", "ref"), kinds(S, S, S),
                v -> new ClientMessage.Whisper((String) v[0], (String) v[1], (String) v[2])),
        new Shape("history", names("room", "before", "limit", "ref"), kinds(S, Kind.LONG, Kind.INT, S),
                v -> new ClientMessage.History((String) v[0], (Long) v[1], (Integer) v[2], (String) v[3])),
        new Shape("edit", names("room", "id", "text", "ref"), kinds(S, S, S, S),
                v -> new ClientMessage.Edit((String) v[0], (String) v[1], (String) v[2], (String) v[3])),
        new Shape("delete", names("room", "id", "ref"), kinds(S, S, S),
                v -> new ClientMessage.Delete((String) v[0], (String) v[1], (String) v[2])),
        new Shape("react", names("room", "id", "emoji", "ref"), kinds(S, S, S, S),
                v -> new ClientMessage.React((String) v[0], (String) v[1], (String) v[2], (String) v[3])),
        new Shape("read", names("room", "offset", "ref"), kinds(S, Kind.LONG, S),
                v -> new ClientMessage.Read((String) v[0], (Long) v[1], (String) v[2])),
        new Shape("seen", names("whisper", "ref"), kinds(S, S),
                v -> new ClientMessage.Seen((String) v[0], (String) v[1])),
        new Shape("ping", names("ref"), kinds(S),
                v -> new ClientMessage.Ping((String) v[0])),
        new Shape("subscribe", names("topic", "since", "ref", "snapshot"), kinds(S, Kind.SINCE, S, Kind.BOOLEAN),
                v -> new ClientMessage.Subscribe((String) v[0], (Since) v[1], (String) v[2], (Boolean) v[3])),
        new Shape("unsubscribe", names("topic", "ref"), kinds(S, S),
                v -> new ClientMessage.Unsubscribe((String) v[0], (String) v[1])),
    };

    private static final String[] SINCE_NAMES = names("offset", "epoch");
    private static final Kind[] SINCE_KINDS = kinds(Kind.LONG, S);

    /** Digits of the largest value read as a Long without overflow checks (18 digits < 2^63). */
    private static final int MAX_LONG_DIGITS = 18;

    private static String[] names(String... names) {
        return names;
    }

    private static Kind[] kinds(Kind... kinds) {
        return kinds;
    }

    private final String s;
    private int i;

    private ClientFrameReader(String s) {
        this.s = s;
    }

    /** The frame, or null when it is not in the plain form (then JSON-B decides; see the class comment). */
    static ClientMessage read(String text) {
        try {
            return new ClientFrameReader(text).frame();
        } catch (NotPlain e) {
            return null;
        }
    }

    /** Thrown where the text leaves the plain form; carries no stack trace (it is control flow, not an error). */
    private static final class NotPlain extends RuntimeException {
        static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private static NotPlain notPlain() {
        return NotPlain.INSTANCE;
    }

    private ClientMessage frame() {
        space();
        expect('{');
        space();
        String key = key();
        if (!"type".equals(key)) {
            throw notPlain();
        }
        space();
        expect(':');
        space();
        Shape shape = shape();
        Object[] values = members(shape.names, shape.kinds, true);
        space();
        if (i != s.length()) {
            throw notPlain();
        }
        return shape.make.apply(values);
    }

    /**
     * An object's members up to and including its closing brace: after {@code type} (every member follows a comma),
     * or from the first (since's).
     */
    private Object[] members(String[] names, Kind[] kinds, boolean afterFirst) {
        Object[] values = new Object[names.length];
        boolean[] seen = new boolean[names.length];
        space();
        if (!afterFirst) {
            member(names, kinds, values, seen);
        }
        while (peek() == ',') {
            i++;
            space();
            member(names, kinds, values, seen);
        }
        expect('}');
        return values;
    }

    private void member(String[] names, Kind[] kinds, Object[] values, boolean[] seen) {
        int field = field(key(), names);
        if (seen[field]) {
            throw notPlain(); // a repeated field: JSON-B decides which one counts
        }
        seen[field] = true;
        space();
        expect(':');
        space();
        values[field] = value(kinds[field]);
        space();
    }

    private Since since() {
        expect('{');
        Object[] values = members(SINCE_NAMES, SINCE_KINDS, false);
        return new Since((Long) values[0], (String) values[1]);
    }

    private Object value(Kind kind) {
        return switch (kind) {
            case STRING -> string();
            case LONG -> integer(MAX_LONG_DIGITS, Long.MAX_VALUE);
            case INT -> (int) (long) integer(10, Integer.MAX_VALUE);
            case BOOLEAN -> bool();
            case SINCE -> since();
        };
    }

    private Shape shape() {
        expect('"');
        int end = s.indexOf('"', i);
        if (end < 0) {
            throw notPlain();
        }
        for (Shape shape : SHAPES) {
            String t = shape.type;
            if (t.length() == end - i && s.regionMatches(i, t, 0, t.length())) {
                i = end + 1;
                return shape;
            }
        }
        throw notPlain(); // unknown type, or one with an escape: JSON-B's diagnosis answers it
    }

    private static int field(String key, String[] names) {
        for (int f = 0; f < names.length; f++) {
            if (names[f].equals(key)) {
                return f;
            }
        }
        throw notPlain(); // unknown field (JSON-B ignores it, this reader does not guess)
    }

    /** A member name: a string without escapes. */
    private String key() {
        expect('"');
        int end = s.indexOf('"', i);
        if (end < 0) {
            throw notPlain();
        }
        for (int k = i; k < end; k++) {
            char c = s.charAt(k);
            if (c == '\\' || c < 0x20) {
                throw notPlain();
            }
        }
        String key = s.substring(i, end);
        i = end + 1;
        return key;
    }

    /** A JSON string; escapes decoded, except surrogates written as escapes (JSON-B's business). */
    private String string() {
        expect('"');
        int start = i;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                return s.substring(start, i++);
            }
            if (c == '\\') {
                return escaped(start);
            }
            if (c < 0x20) {
                throw notPlain();
            }
            i++;
        }
        throw notPlain();
    }

    private String escaped(int start) {
        StringBuilder out = new StringBuilder(s.length() - start);
        out.append(s, start, i);
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw notPlain();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i >= n) {
                throw notPlain();
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicodeEscape());
                default -> throw notPlain();
            }
        }
        throw notPlain();
    }

    private char unicodeEscape() {
        if (i + 4 > s.length()) {
            throw notPlain();
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0 || s.charAt(i + k) > 'f') {
                throw notPlain();
            }
            v = v * 16 + d;
        }
        i += 4;
        if (Character.isSurrogate((char) v)) {
            throw notPlain();
        }
        return (char) v;
    }

    /** {@code true} or {@code false}. */
    private Boolean bool() {
        for (boolean b : new boolean[] {true, false}) {
            String literal = Boolean.toString(b);
            if (s.startsWith(literal, i)) {
                i += literal.length();
                char next = peek();
                if (Character.isLetterOrDigit(next)) {
                    throw notPlain();
                }
                return b;
            }
        }
        throw notPlain();
    }

    /** A plain integer: optional minus, no leading zero, at most {@code maxDigits}, no fraction or exponent. */
    private Long integer(int maxDigits, long max) {
        boolean negative = peek() == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
            if (i - start > maxDigits) {
                throw notPlain();
            }
        }
        int digits = i - start;
        if (digits == 0 || digits > 1 && s.charAt(start) == '0' || v > max) {
            throw notPlain();
        }
        char next = peek();
        if (next == '.' || next == 'e' || next == 'E') {
            throw notPlain();
        }
        return negative ? -v : v;
    }

    private void space() {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\u0000';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw notPlain();
        }
        i++;
    }
}
