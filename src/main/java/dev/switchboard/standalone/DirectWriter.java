package dev.switchboard.standalone;

import dev.switchboard.web.FrameChannel;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The runner's writer under Tyrus: Tyrus writes its frames (pings, pongs, close) through it, and the endpoints write
 * messages through it as ready-made frames ({@link FrameChannel}), so a message fanned out to many members is
 * UTF-8-encoded and framed once instead of once per member, and skips Tyrus's per-send frame objects. Every write,
 * Tyrus's or ours, goes to Grizzly under one lock, in order; after a close frame, frames are refused, so no data
 * follows it on the wire.
 */
final class DirectWriter extends Writer implements FrameChannel {

    private static final int CLOSE_OPCODE = 0x8;

    private final Writer grizzly;
    /** A close frame was written: nothing may follow it. */
    private boolean closing;

    DirectWriter(Writer grizzly) {
        this.grizzly = grizzly;
    }

    /** Tyrus's frames, one whole frame per call. */
    @Override
    public synchronized void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        if (buffer.hasRemaining() && (buffer.get(buffer.position()) & 0x0F) == CLOSE_OPCODE) {
            closing = true;
        }
        grizzly.write(buffer, handler);
    }

    @Override
    public void write(byte[] frame, Consumer<Throwable> done) {
        synchronized (this) {
            if (!closing) {
                grizzly.write(ByteBuffer.wrap(frame), new CompletionHandler<>() {
                    @Override
                    public void completed(ByteBuffer result) {
                        done.accept(null);
                    }

                    @Override
                    public void failed(Throwable throwable) {
                        done.accept(throwable);
                    }

                    @Override
                    public void cancelled() {
                        done.accept(new IOException("write cancelled"));
                    }
                });
                return;
            }
        }
        done.accept(new IOException("the WebSocket is closing"));
    }

    @Override
    public synchronized boolean isOpen() {
        return !closing;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
        }
        grizzly.close();
    }
}
