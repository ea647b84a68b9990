package switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Server frames as the server may send them: batched objects, fragmented messages, split reads. */
class FrameTest {
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) out.write(payload.length);
        else { out.write(126); out.write(payload.length >> 8); out.write(payload.length & 0xff); }
        out.write(payload, 0, payload.length);
        return out.toByteArray();
    }

    static String message(long offset, long seq) {
        byte[] p = new byte[100];
        int n = Tag.write(p, 0, 1, (byte) 'M', 0, seq, 5, 20);
        return "{\"type\":\"message\",\"room\":\"r0\",\"offset\":" + offset + ",\"text\":\"" + new String(p, 0, n, StandardCharsets.US_ASCII) + "\"}";
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.write(p, 0, p.length);
        return out.toByteArray();
    }

    @Test
    void batchedFragmentedAndSplitFramesAreEachCountedOnce() throws Exception {
        Bench bench = new Bench(URI.create("ws://127.0.0.1:1"), new InetAddress[0], 20, "t");
        bench.setRooms(1);
        bench.step = 1;
        Loop loop = new Loop(bench, 0);
        Conn c = new Conn(0, loop, true, 0, -1, 1, false);
        c.state = Conn.OPEN;
        c.lastOffset = 0;

        // one frame holding two objects separated by '\n', fragmented into a text frame and a continuation
        byte[] batch = (message(1, 1) + "\n" + message(2, 2)).getBytes(StandardCharsets.US_ASCII);
        byte[] first = java.util.Arrays.copyOfRange(batch, 0, 30), rest = java.util.Arrays.copyOfRange(batch, 30, batch.length);
        byte[] wire = concat(frame(false, 1, first), frame(true, 0, rest), frame(true, 1, message(3, 3).getBytes(StandardCharsets.US_ASCII)));

        // delivered in two reads, the second frame cut in the middle
        int cut = frame(false, 1, first).length + 7;
        int used = loop.parseFrames(c, wire, 0, cut, System.nanoTime());
        assertEquals(frame(false, 1, first).length, used);
        byte[] again = java.util.Arrays.copyOfRange(wire, used, wire.length);
        assertEquals(again.length, loop.parseFrames(c, again, 0, again.length, System.nanoTime()));
        assertEquals(3, loop.get(Loop.RECV));
        assertEquals(0, loop.get(Loop.DUPS));
        assertEquals(0, loop.get(Loop.GAPS) + loop.get(Loop.OFF_GAPS));

        // the same message again is a duplicate; a skipped offset and sequence are gaps
        byte[] dup = frame(true, 1, message(3, 3).getBytes(StandardCharsets.US_ASCII));
        loop.parseFrames(c, dup, 0, dup.length, System.nanoTime());
        assertEquals(1, loop.get(Loop.DUPS));
        byte[] skip = frame(true, 1, message(5, 5).getBytes(StandardCharsets.US_ASCII));
        loop.parseFrames(c, skip, 0, skip.length, System.nanoTime());
        assertEquals(1, loop.get(Loop.GAPS));
        assertEquals(1, loop.get(Loop.OFF_GAPS));
        assertEquals(4, loop.get(Loop.RECV));
    }

    /** One message as a permessage-deflate server sends it: SYNC_FLUSH, the trailing 00 00 ff ff dropped, RSV1 set by the caller. */
    static byte[] deflated(java.util.zip.Deflater d, String text) {
        byte[] in = text.getBytes(StandardCharsets.US_ASCII), out = new byte[in.length + 64];
        d.setInput(in);
        int n = d.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
        return java.util.Arrays.copyOf(out, n - 4);
    }

    @Test
    void compressedMessagesAreInflatedWithTheConnectionsContext() throws Exception {
        Bench bench = new Bench(URI.create("ws://127.0.0.1:1"), new InetAddress[0], 20, "t");
        bench.setRooms(1);
        bench.step = 1;
        bench.deflate = true;
        Loop loop = new Loop(bench, 0);
        Conn c = new Conn(0, loop, true, 0, -1, 1, false);
        c.state = Conn.OPEN;
        c.lastOffset = 0;
        c.inflating = Inflating.negotiated("permessage-deflate;client_max_window_bits=15", true);

        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        byte[] one = deflated(d, message(1, 1)), two = deflated(d, message(2, 2)); // the second refers back to the first
        byte[] wire = concat(frame(true, 1, one), frame(false, 1, java.util.Arrays.copyOfRange(two, 0, 5)),
                frame(true, 0, java.util.Arrays.copyOfRange(two, 5, two.length)));
        wire[0] |= 0x40;                                  // RSV1 on the whole message
        wire[frame(true, 1, one).length] |= 0x40;         // and on the first frame of the fragmented one
        assertEquals(wire.length, loop.parseFrames(c, wire, 0, wire.length, System.nanoTime()));
        assertEquals(2, loop.get(Loop.RECV));
        assertEquals(2, loop.get(Loop.INFLATED));
        assertEquals(0, loop.get(Loop.BAD));
        assertEquals(0, loop.get(Loop.GAPS) + loop.get(Loop.OFF_GAPS));

        assertEquals(null, Inflating.negotiated("permessage-deflate; x-unknown", true), "an unknown parameter fails the handshake");
        assertEquals(null, Inflating.negotiated("permessage-deflate", false), "an extension never offered fails it too");
    }
}
