package dev.switchboard.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Function;
import java.util.zip.Deflater;

/**
 * A text message as the complete compressed frame (RFC 7692) a server sends on a connection that negotiated
 * permessage-deflate with {@code server_no_context_takeover}: FIN, RSV1, opcode text, unmasked, then the UTF-8 text
 * deflated on its own (raw DEFLATE, a fresh context, flushed to a byte boundary, without the final {@code 00 00 FF FF}
 * of the flush, §7.2.1). Without a context carried from message to message, every recipient's bytes of a message are
 * the same, so {@link Outgoing#prepared} with {@link #BYTES} compresses a message fanned out to many members once;
 * with a context each connection would compress it again ({@code TomcatFrames}). A text that does not get shorter is
 * sent as the plain frame ({@link TextFrames}, RSV1 clear), which the extension allows (§6).
 */
public final class DeflatedFrames {

    /** The frame of a text: pass this instance to {@link Outgoing#prepared}, so that every recipient shares one. */
    public static final Function<String, byte[]> BYTES = DeflatedFrames::of;

    /** Compressors kept for reuse: each holds about 260 KB of native memory, so only a few, one per busy thread. */
    private static final ArrayBlockingQueue<Deflater> IDLE = new ArrayBlockingQueue<>(4);
    private static final int CHUNK = 1024;
    /** The first frame header bit of an extension: permessage-deflate's "this message is compressed" (§6). */
    private static final byte RSV1 = 0x40;

    private DeflatedFrames() {
    }

    /** The complete compressed server-to-client frame of {@code text}, or its plain frame when that is not longer. */
    public static byte[] of(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        byte[] deflated = deflate(raw);
        return deflated.length >= raw.length ? TextFrames.frame(TextFrames.TEXT, raw)
                : TextFrames.frame((byte) (TextFrames.TEXT | RSV1), deflated);
    }

    /** The raw DEFLATE of {@code data} from a fresh context, sync-flushed, without the flush's last four bytes. */
    static byte[] deflate(byte[] data) {
        Deflater deflater = IDLE.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        try {
            deflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, data.length / 2));
            byte[] chunk = new byte[Math.min(CHUNK, data.length + 64)];
            int n;
            do { // a sync flush is complete when it leaves room in the chunk (java.util.zip.Deflater#deflate)
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            return Arrays.copyOf(all, all.length - 4); // 00 00 FF FF: the empty stored block of the flush
        } finally {
            deflater.reset();
            if (!IDLE.offer(deflater)) {
                deflater.end();
            }
        }
    }
}
