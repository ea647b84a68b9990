package dev.switchboard.testing;

import java.nio.charset.StandardCharsets;

/** One frame as a {@link RawWebSocket} read it from the server. {@code rsv} holds RSV1..RSV3 as bits 4,2,1. */
public record RawFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
    public boolean isControl() { return (opcode & 0x8) != 0; }
    public String text() { return new String(payload, StandardCharsets.UTF_8); }
    /** For close frames: the status code, or 1005 when the frame has none. */
    public int closeCode() {
        return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
    public String closeReason() {
        return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
    @Override
    public String toString() {
        String p = opcode == RawWebSocket.OP_TEXT || opcode == RawWebSocket.OP_CONTINUATION
                ? RawWebSocket.abbreviate(text()) : opcode == RawWebSocket.OP_CLOSE ? closeCode() + " " + closeReason() : payload.length + " bytes";
        return "RawFrame[" + RawWebSocket.opcodeName(opcode) + (fin ? "" : " !fin") + (rsv != 0 ? " rsv=" + rsv : "")
                + (masked ? " masked" : "") + " " + p + "]";
    }
}
