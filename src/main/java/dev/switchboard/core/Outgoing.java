package dev.switchboard.core;

import java.nio.charset.StandardCharsets;

/**
 * One text frame to send. Fan-out hands the same instance to every member, so whatever is derived from the text
 * (its length in bytes, the transport's encoded form) is derived once per message, not once per recipient.
 */
public final class Outgoing {

    private final String text;
    /** UTF-8 length, computed on first use (racing threads compute the same value). */
    private int bytes = -1;
    /** The WebSocket frame, made on first use (racing threads may both make it; any copy is the same bytes). */
    private volatile byte[] wire;

    public Outgoing(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The text's length in UTF-8 bytes: what the outbox's limits count. */
    public int bytes() {
        int b = bytes;
        if (b < 0) {
            b = utf8Length(text);
            bytes = b;
        }
        return b;
    }

    /** UTF-8 length of a string: 1 byte per ASCII char, 2 or 3 per other char, 4 per surrogate pair. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2; // each half of a pair: 2, the pair: 4
            }
        }
        return bytes;
    }

    /**
     * The complete server-to-client frame: FIN, opcode text, unmasked (RFC 6455 5.2), then the UTF-8 payload. Not
     * for connections with an extension (permessage-deflate) negotiated.
     */
    public byte[] wire() {
        byte[] w = wire;
        if (w == null) {
            w = frame(text);
            wire = w;
        }
        return w;
    }

    static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = (byte) 0x81;
        if (n < 126) {
            frame[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, n);
        return frame;
    }

    @Override
    public String toString() {
        return text;
    }
}
