package dev.switchboard.standalone;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectWriterTest {

    /** Grizzly's side: what reached the connection, in order; every write completes at once. */
    private static final class Wire extends Writer {
        final List<Integer> firstBytes = new ArrayList<>();

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
            firstBytes.add(buffer.get(buffer.position()) & 0xFF);
            handler.completed(buffer);
        }

        @Override
        public void close() {
        }
    }

    private final Wire wire = new Wire();
    private final DirectWriter writer = new DirectWriter(wire, null);
    private final Throwable[] result = new Throwable[1];

    private void tyrusWrites(int firstByte) {
        writer.write(ByteBuffer.wrap(new byte[] {(byte) firstByte, 0}), new CompletionHandler<>() {
        });
    }

    @Test
    void messagesAndTyrusFramesShareOneOrderedPath() {
        writer.write(new byte[] {(byte) 0x81, 0}, t -> result[0] = t);
        assertNull(result[0]);
        tyrusWrites(0x89); // ping
        writer.write(new byte[] {(byte) 0x81, 0}, t -> result[0] = t);
        assertEquals(List.of(0x81, 0x89, 0x81), wire.firstBytes);
        assertTrue(writer.isOpen());
    }

    @Test
    void nothingFollowsACloseFrame() {
        tyrusWrites(0x88);
        assertFalse(writer.isOpen());
        writer.write(new byte[] {(byte) 0x81, 0}, t -> result[0] = t);
        assertNotNull(result[0], "the send fails instead of putting data after the close frame");
        assertEquals(List.of(0x88), wire.firstBytes);
    }
}
