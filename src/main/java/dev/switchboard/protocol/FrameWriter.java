package dev.switchboard.protocol;

/**
 * Writes the frame every chat message becomes — {@link ServerMessage.Message} as said and stored, without chat 1.1's
 * history-only fields — by hand, character for character as JSON-B writes it: {@code type} first, then the record's
 * property order, null fields left out, strings escaped as Parsson escapes them ({@code "} and {@code \}, control
 * characters as {@code \b \f \n \r \t} or as a six-character escape with lowercase hex, nothing else). JSON-B's reflective encode was a large part of
 * the cost of receiving a chat message (issue 15); {@code FrameWriterTest} compares the two on many texts.
 */
final class FrameWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private FrameWriter() {
    }

    /** Whether {@link #message} writes this message (else JSON-B does). */
    static boolean writes(ServerMessage.Message m) {
        return m.edited() == null && m.deleted() == null && m.reactions() == null;
    }

    /** The message's JSON text, as {@code Wire.encode} would write it. */
    static String message(ServerMessage.Message m) {
        StringBuilder out = new StringBuilder(128 + length(m.text()));
        out.append("{\"type\":\"message\"");
        field(out, "room", m.room());
        if (m.offset() != null) {
            out.append(",\"offset\":").append(m.offset().longValue());
        }
        field(out, "id", m.id());
        field(out, "from", m.from());
        field(out, "text", m.text());
        field(out, "ts", m.ts());
        field(out, "ref", m.ref());
        return out.append('}').toString();
    }

    private static int length(String s) {
        return s == null ? 0 : s.length() + s.length() / 8;
    }

    private static void field(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(",\"").append(name).append("\":");
            quote(out, value);
        }
    }

    /** A JSON string, quoted and escaped as Parsson's generator escapes it. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        int plain = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, plain, i);
            plain = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        out.append(s, plain, s.length()).append('"');
    }
}
