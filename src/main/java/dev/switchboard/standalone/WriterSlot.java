package dev.switchboard.standalone;

import dev.switchboard.web.FrameChannel;

import java.util.function.Supplier;

/**
 * Where one connection's {@link DirectWriter} will be: made empty by the handshake gate with the handshake's decision
 * (as its {@link dev.switchboard.web.Handshake#frames()}), filled by {@link RunnerEngine} when Tyrus makes the
 * connection, read by the endpoint when Tyrus opens it, which happens after (within the same call).
 */
final class WriterSlot implements Supplier<FrameChannel> {

    private volatile DirectWriter writer;
    private volatile boolean taken;

    void fill(DirectWriter writer) {
        this.writer = writer;
    }

    /** The connection's writer; null before the connection is made. */
    @Override
    public FrameChannel get() {
        DirectWriter w = writer;
        taken |= w != null;
        return w;
    }

    /** True once the endpoint took the writer. */
    boolean taken() {
        return taken;
    }
}
