package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds any frame, including invalid ones: unmasked, reserved opcodes, RSV bits, a declared payload
 * length that differs from the bytes that follow (e.g. 2^62), over-long control frames.
 */
public final class RawFrameBuilder {

    private final int opcode;
    private boolean fin = true;
    private int rsv;
    private boolean masked = true;
    private byte[] maskKey;
    private byte[] payload = new byte[0];
    private Long declaredLength;

    RawFrameBuilder(int opcode) {
        this.opcode = opcode & 0x0F;
    }

    public RawFrameBuilder fin(boolean fin) { this.fin = fin; return this; }
    /** RSV bits: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
    public RawFrameBuilder rsv(int rsv) { this.rsv = rsv & 0x7; return this; }
    /** Sends the payload in the clear with the MASK bit unset (RFC 6455: the server must close). */
    public RawFrameBuilder unmasked() { this.masked = false; return this; }
    public RawFrameBuilder maskKey(byte[] key) { this.maskKey = key.clone(); return this; }
    public RawFrameBuilder payload(byte[] p) { this.payload = p.clone(); return this; }
    public RawFrameBuilder payload(String utf8) { this.payload = utf8.getBytes(StandardCharsets.UTF_8); return this; }
    /** The length written in the header, whatever the payload really is (e.g. {@code 1L << 62}). */
    public RawFrameBuilder declaredLength(long len) { this.declaredLength = len; return this; }

    public byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        long len = declaredLength != null ? declaredLength : payload.length;
        int maskBit = masked ? 0x80 : 0;
        if (len < 126) {
            b.write(maskBit | (int) len);
        } else if (len <= 0xFFFF) {
            b.write(maskBit | 126);
            b.write((int) (len >> 8));
            b.write((int) len);
        } else {
            b.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) (len >> (8 * i)));
            }
        }
        byte[] body = payload;
        if (masked) {
            byte[] key = maskKey;
            if (key == null) {
                key = new byte[4];
                RawWebSocket.RANDOM.nextBytes(key);
            }
            b.writeBytes(key);
            body = payload.clone();
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        b.writeBytes(body);
        return b.toByteArray();
    }

    /** The first half of the encoded frame (header and part of the payload): for reset-mid-frame tests. */
    public byte[] encodeHalf() {
        byte[] all = encode();
        return Arrays.copyOf(all, Math.max(1, all.length / 2));
    }
}
