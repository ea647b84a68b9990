package switchboard.bench;

import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) on the receiving side of one connection, as a browser does it: the handshake offers
 * it, messages with RSV1 are inflated (one raw DEFLATE stream per connection, unless the server said
 * {@code server_no_context_takeover}). What this client sends is never compressed, which the RFC allows.
 */
final class Inflating {
    /** The offer Chromium makes. */
    static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Inflater inflater = new Inflater(true);
    private final boolean resetEachMessage;

    private Inflating(boolean resetEachMessage) {
        this.resetEachMessage = resetEachMessage;
    }

    /**
     * What the server's {@code Sec-WebSocket-Extensions} header agreed to: an inflater, or null when the header is
     * absent or names anything but one permessage-deflate this client offered (then the handshake has failed).
     */
    static Inflating negotiated(String header, boolean offered) {
        if (header == null || !offered || header.contains(",")) return null;
        String[] parts = header.split(";");
        if (!parts[0].trim().equalsIgnoreCase("permessage-deflate")) return null;
        boolean reset = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            String name = p.contains("=") ? p.substring(0, p.indexOf('=')).trim() : p;
            switch (name) {
                case "server_no_context_takeover" -> reset = true;
                case "client_no_context_takeover", "server_max_window_bits", "client_max_window_bits" -> { }
                default -> { return null; }
            }
        }
        return new Inflating(reset);
    }

    /** Inflates the message payload in [s, e) into {@code into.inflatedBytes}; its length, or -1 when it is not DEFLATE. */
    int inflate(byte[] b, int s, int e, Loop into) {
        try {
            inflater.setInput(b, s, e - s);
            int n = drain(into, 0);
            inflater.setInput(TAIL);
            n = drain(into, n);
            if (resetEachMessage) inflater.reset();
            return n;
        } catch (DataFormatException ex) {
            return -1;
        }
    }

    private int drain(Loop into, int n) throws DataFormatException {
        while (true) {
            if (n == into.inflatedBytes.length) into.inflatedBytes = java.util.Arrays.copyOf(into.inflatedBytes, n * 2);
            int k = inflater.inflate(into.inflatedBytes, n, into.inflatedBytes.length - n);
            n += k;
            if (k == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) return n;
        }
    }

    /** Frees the native stream. */
    void end() {
        inflater.end();
    }
}
