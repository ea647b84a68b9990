package dev.switchboard.standalone;

import dev.switchboard.core.Outgoing;
import dev.switchboard.core.TextFrames;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectWriterTest {

    /** Grizzly's side: what reached the connection, in order; every write completes at once. */
    private static final class Wire extends Writer {
        final List<byte[]> frames = new ArrayList<>();
        final List<byte[]> arrays = new ArrayList<>();
        /** Writes not completed yet, while {@link #slow}: a client that does not read. */
        final List<CompletionHandler<ByteBuffer>> unwritten = new ArrayList<>();
        boolean slow;

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
            arrays.add(buffer.array());
            byte[] frame = new byte[buffer.remaining()];
            buffer.duplicate().get(frame);
            frames.add(frame);
            if (slow) {
                unwritten.add(handler);
            } else {
                handler.completed(buffer);
            }
        }

        @Override
        public void close() {
        }

        List<Integer> firstBytes() {
            return frames.stream().map(f -> f[0] & 0xFF).toList();
        }
    }

    private final Wire wire = new Wire();
    private final DirectWriter writer = new DirectWriter(wire, null, null);
    private final Throwable[] result = new Throwable[1];

    private void tyrusWrites(int firstByte) {
        writer.write(ByteBuffer.wrap(new byte[] {(byte) firstByte, 0}), new CompletionHandler<>() {
        });
    }

    /**
     * What the outbox counts besides its own frames: Tyrus's frames (pongs to a client that does not read) until they
     * are written, whichever way their write ends; never our message frames, which the outbox counts itself.
     */
    @Test
    void tyrusFramesCountAsPendingUntilWrittenAndMessagesNever() {
        wire.slow = true;
        tyrusWrites(0x8A);
        tyrusWrites(0x8A);
        assertEquals(4, writer.pendingBytes(), "two pongs of 2 bytes");
        writer.send(new Outgoing("{\"type\":\"pong\"}"), t -> result[0] = t);
        assertEquals(4, writer.pendingBytes(), "a message in flight is the outbox's to count");
        wire.unwritten.get(0).completed(null);
        assertEquals(2, writer.pendingBytes());
        wire.unwritten.get(1).failed(new java.io.IOException("reset"));
        assertEquals(0, writer.pendingBytes());
        wire.unwritten.get(1).cancelled();
        assertEquals(0, writer.pendingBytes(), "a write ends once");
    }

    @Test
    void messagesAndTyrusFramesShareOneOrderedPath() {
        writer.send(new Outgoing("{}"), t -> result[0] = t);
        assertNull(result[0]);
        tyrusWrites(0x89); // ping
        writer.send(new Outgoing("{}"), t -> result[0] = t);
        assertEquals(List.of(0x81, 0x89, 0x81), wire.firstBytes());
        assertTrue(writer.isOpen());
    }

    @Test
    void nothingFollowsACloseFrame() {
        tyrusWrites(0x88);
        assertFalse(writer.isOpen());
        writer.send(new Outgoing("{}"), t -> result[0] = t);
        assertNotNull(result[0], "the send fails instead of putting data after the close frame");
        assertEquals(List.of(0x88), wire.firstBytes());
    }

    @Test
    void aMessageForManyMembersIsFramedOnceAndTheSameBytesGoToEach() {
        Outgoing shared = new Outgoing("{\"type\":\"message\",\"text\":\"hi\"}");
        DirectWriter other = new DirectWriter(wire, null, null);
        writer.send(shared, t -> result[0] = t);
        other.send(shared, t -> result[0] = t);
        assertNull(result[0]);
        assertEquals(2, wire.frames.size());
        assertArrayEquals(TextFrames.of(shared.text()), wire.frames.get(0));
        assertSame(wire.arrays.get(0), wire.arrays.get(1), "one frame, written to both connections");
    }

    /** RFC 6455 5.2: FIN + text, no mask, 7-bit length below 126, 16-bit up to 65535, 64-bit beyond. */
    @Test
    void framesTextWithEachLengthEncoding() {
        assertFrame("", 2);
        assertFrame("x".repeat(125), 2);
        assertFrame("x".repeat(126), 4);
        assertFrame("x".repeat(65535), 4);
        assertFrame("x".repeat(65536), 10);
    }

    @Test
    void thePayloadIsUtf8AndTheLengthCountsBytesNotChars() {
        String text = "{\"text\":\"zürich 🚀 東京\"}";
        byte[] frame = TextFrames.of(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, frame[1]);
        assertArrayEquals(utf8, Arrays.copyOfRange(frame, 2, frame.length));
    }

    private static void assertFrame(String text, int header) {
        byte[] frame = TextFrames.of(text);
        int n = text.length();
        assertEquals((byte) 0x81, frame[0], "FIN and opcode 1 (text)");
        assertEquals(0, frame[1] & 0x80, "a server's frames are not masked");
        assertEquals(header + n, frame.length);
        long length = switch (header) {
            case 2 -> frame[1];
            case 4 -> ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
            default -> {
                long v = 0;
                for (int i = 2; i < 10; i++) {
                    v = (v << 8) | (frame[i] & 0xFF);
                }
                yield v;
            }
        };
        assertEquals(n, length);
        if (header == 4) {
            assertEquals(126, frame[1]);
        } else if (header == 10) {
            assertEquals(127, frame[1]);
        }
    }
}
