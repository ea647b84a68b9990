package dev.switchboard.standalone;

import jakarta.websocket.CloseReason;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Reads the client's frame headers before Tyrus does, for the runner. Tyrus buffers every frame whole: one larger
 * than its incoming buffer fails the connection with 1011 "Buffer overflow" (and a logged stack trace) once the
 * buffer fills, and one that declares 2^62 bytes but sends few is never closed at all. The guard closes either with
 * 1009 as soon as the header has arrived, so every too-big frame gets the same 1009 as from the message decoder.
 * It also hands Tyrus the bytes in slices of at most {@link #SLICE}: Tyrus counts a whole network read against its
 * buffer, so a burst of small frames in one read could otherwise overflow it too (a safeguard: not seen with
 * Grizzly's read sizes here). And it closes 1002 on an unmasked client frame, which RFC 6455 (5.1) requires and
 * Tyrus does not do. Every ping is reported to the connection's {@link DirectWriter} before Tyrus answers it, so
 * that pings count against the rate limit and their pongs against the outbox (issue 13, item 6: a client that
 * flooded pings and never read made Tyrus queue pongs without bound). {@link RunnerEngine} puts one in front of
 * every upgraded connection.
 */
final class FrameGuard implements Connection, ReadHandler {

    /** Largest piece of a network read handed to Tyrus at once. */
    static final int SLICE = 16 * 1024;
    private static final int PING = 0x9;
    /** Longest frame header: 2 bytes, 8 bytes of length, 4 of mask. */
    private static final int MAX_HEADER = 14;

    private final Connection tyrus;
    private final DirectWriter writer;
    private final long maxPayload;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerBytes;
    private long payloadLeft;
    private boolean failed;

    /**
     * @param incomingBufferSize Tyrus's incoming buffer: a frame that fits with a slice behind it is passed through
     */
    FrameGuard(Connection tyrus, DirectWriter writer, int incomingBufferSize) {
        this.tyrus = tyrus;
        this.writer = writer;
        this.maxPayload = incomingBufferSize - MAX_HEADER - SLICE;
    }

    @Override
    public synchronized void handle(ByteBuffer data) {
        if (failed || data == null || writer.lingering()) {
            return; // closed: what the client still sends is dropped
        }
        ReadHandler next = tyrus.getReadHandler();
        while (data.hasRemaining()) {
            int end = Math.min(data.limit(), data.position() + SLICE);
            int at = data.position();
            long tooBig = 0;
            boolean fail = false;
            boolean unmasked = false;
            int headerStart = data.position(); // of the header being read, if it began in this slice
            while (at < end) {
                if (payloadLeft > 0) {
                    int skip = (int) Math.min(payloadLeft, end - at);
                    at += skip;
                    payloadLeft -= skip;
                    continue;
                }
                if (headerBytes == 0) {
                    headerStart = at;
                }
                header[headerBytes++] = data.get(at++);
                if (headerBytes == 2 && (header[1] & 0x80) == 0) {
                    unmasked = true; // RFC 6455 5.1: the server MUST close on an unmasked client frame
                    fail = true;
                    break;
                }
                if (headerBytes >= 2 && headerBytes == headerLength()) {
                    long declared = declaredLength();
                    headerBytes = 0;
                    if (declared < 0 || declared > maxPayload) {
                        tooBig = declared;
                        fail = true;
                        break;
                    }
                    payloadLeft = declared;
                    if ((header[0] & 0x0F) == PING) {
                        writer.pingArrived(declared); // may close the connection: Tyrus then drops what follows
                    }
                }
            }
            int upTo = fail ? headerStart : at; // Tyrus never sees the refused frame
            ByteBuffer slice = data.slice();
            slice.limit(upTo - data.position());
            data.position(at);
            if (slice.hasRemaining()) {
                next.handle(slice);
            }
            if (fail) {
                failed = true;
                if (unmasked) {
                    System.getLogger(FrameGuard.class.getName()).log(Level.INFO,
                            "closing a connection with 1002: unmasked client frame");
                    tyrus.close(new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "unmasked frame"));
                } else {
                    System.getLogger(FrameGuard.class.getName()).log(Level.INFO,
                            "closing a connection with 1009: a client frame declares {0} bytes (limit {1})",
                            Long.toUnsignedString(tooBig), Long.toString(maxPayload));
                    tyrus.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "frame too big"));
                }
                return;
            }
        }
    }

    private int headerLength() {
        int length7 = header[1] & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    /** The payload length of the header in {@link #header}; negative if the 64-bit length has its top bit set. */
    private long declaredLength() {
        int length7 = header[1] & 0x7F;
        if (length7 < 126) {
            return length7;
        }
        int bytes = length7 == 126 ? 2 : 8;
        long length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (header[2 + i] & 0xFF);
        }
        return length;
    }

    @Override
    public ReadHandler getReadHandler() {
        return this;
    }

    @Override
    public Writer getWriter() {
        return tyrus.getWriter();
    }

    @Override
    public CloseListener getCloseListener() {
        return tyrus.getCloseListener();
    }

    @Override
    public void close(CloseReason reason) {
        tyrus.close(reason);
    }
}
