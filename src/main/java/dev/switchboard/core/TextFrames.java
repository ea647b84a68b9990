package dev.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A text message as the complete frame a server sends (RFC 6455 5.2): FIN, opcode text, unmasked, the payload length,
 * then the UTF-8 payload. Transports that write below their container's frame layer (the runner's
 * {@code DirectWriter}, Tomcat's socket in {@code TomcatFrames}) send it as {@link Outgoing#prepared} with
 * {@link #BYTES}: a message fanned out to many members is encoded and framed once. On a connection that negotiated
 * permessage-deflate without the server's context, {@link DeflatedFrames}.
 */
public final class TextFrames {

    /** The frame of a text: pass this instance to {@link Outgoing#prepared}, so that every recipient shares one. */
    public static final Function<String, byte[]> BYTES = TextFrames::of;
    /** The first header byte of a whole text frame: FIN and the text opcode. */
    static final byte TEXT = (byte) 0x81;

    private TextFrames() {
    }

    /** The complete server-to-client frame of {@code text}. */
    public static byte[] of(String text) {
        return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An unmasked frame: {@code first} is its first byte (FIN, RSV bits, opcode), then the length and payload. */
    static byte[] frame(byte first, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = first;
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
}
