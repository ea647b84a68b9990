package dev.switchboard.core;

import dev.switchboard.protocol.Names;

/**
 * Text from outside (user names, headers, library messages about a token) as it may appear in a log line: the
 * characters {@link Names#unsafe} names (control characters, bidi controls, line separators) escaped as a backslash,
 * {@code u} and four hex digits, so that nobody can start a forged line (CR/LF) or make one read differently in a
 * terminal; cut at {@value #MAX_CHARS} characters.
 */
public final class LogSafe {

    static final int MAX_CHARS = 256;

    private LogSafe() {
    }

    /** The value's text made safe for one log line ("null" for null). */
    public static String text(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = null;
        int n = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Names.unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(n + 16).append(s, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        String safe = out == null ? s.substring(0, n) : out.toString();
        return s.length() > MAX_CHARS ? safe + "…" : safe;
    }
}
