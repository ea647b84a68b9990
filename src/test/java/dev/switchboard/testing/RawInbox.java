package dev.switchboard.testing;

import dev.switchboard.testing.CloseResult;
import dev.switchboard.testing.ConnectionEndedException;
import dev.switchboard.testing.RawWebSocket.EndKind;
import dev.switchboard.testing.RawFrame;
import dev.switchboard.testing.RawWebSocket.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.testing.RawWebSocket.OP_CLOSE;
import static dev.switchboard.testing.RawWebSocket.OP_PING;
import static dev.switchboard.testing.RawWebSocket.OP_PONG;

/**
 * What a {@link RawWebSocket}'s reader ({@link RawFrameReader}) has read and the test has not yet awaited: every server
 * frame in order, then how the connection ended, which stays (a later wait returns it at once). The await methods of
 * {@link RawWebSocket} are answered here.
 */
final class RawInbox {

    sealed interface Event permits FrameEvent, EndEvent {}
    record FrameEvent(RawFrame frame) implements Event {}
    record EndEvent(EndKind kind, Exception cause) implements Event {}

    private final URI uri;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> pendingLines = new ArrayDeque<>();
    private volatile EndEvent end;             // sticky: set once the reader has seen the end
    private volatile RawFrame closeFrame;         // the server's close frame, once seen

    RawInbox(URI uri) {
        this.uri = uri;
    }

    /** The reader read {@code frame}. */
    void add(RawFrame frame) {
        events.add(new FrameEvent(frame));
    }

    /** The reader read the server's close frame (before it answers and queues it). */
    void closeReceived(RawFrame close) {
        closeFrame = close;
    }

    /** The reader saw the end; it stays. */
    void end(EndEvent e) {
        end = e;
        events.add(e);
    }

    /** The server's first close frame, null until the reader has read one. */
    RawFrame closeFrame() {
        return closeFrame;
    }

    /** How the connection ended as seen by the reader so far, or null while it is still being read. */
    EndKind endKind() {
        EndEvent e = end;
        return e == null ? null : e.kind();
    }

    RawFrame nextFrame(Duration timeout) throws InterruptedException {
        Event e = poll(timeout);
        return e instanceof FrameEvent f ? f.frame() : null;
    }

    Message awaitMessage(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream buf = null;
        int opcode = -1;
        int frames = 0;
        List<Object> skipped = new ArrayList<>();
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                throw new IOException("no message from " + uri + " within " + timeout
                        + (frames > 0 ? " (got " + frames + " fragment(s) without FIN)" : ""));
            }
            if (e instanceof EndEvent ended) {
                throw new ConnectionEndedException("awaiting a message", closeResultFor(ended, skipped, EndKind.TIMEOUT));
            }
            RawFrame f = ((FrameEvent) e).frame();
            if (f.opcode() == OP_PING || f.opcode() == OP_PONG) {
                continue;
            }
            if (f.opcode() == OP_CLOSE) {
                CloseResult r = afterCloseFrame(f, deadline, skipped);
                throw new ConnectionEndedException("awaiting a message", r);
            }
            if (buf == null) {
                buf = new ByteArrayOutputStream();
                opcode = f.opcode();
            }
            buf.writeBytes(f.payload());
            frames++;
            if (f.fin()) {
                return new Message(opcode, buf.toByteArray(), frames);
            }
        }
    }

    List<String> awaitText(Duration timeout) throws IOException, InterruptedException {
        synchronized (pendingLines) {
            if (!pendingLines.isEmpty()) {
                List<String> l = new ArrayList<>(pendingLines);
                pendingLines.clear();
                return l;
            }
        }
        Message m = awaitMessage(timeout);
        if (!m.isText()) {
            throw new IOException("expected a text message from " + uri + ", got " + m);
        }
        return splitLines(m.text());
    }

    String awaitLine(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (pendingLines) {
                if (!pendingLines.isEmpty()) {
                    return pendingLines.poll();
                }
            }
            Message m = awaitMessage(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!m.isText()) {
                throw new IOException("expected a text message from " + uri + ", got " + m);
            }
            synchronized (pendingLines) {
                pendingLines.addAll(splitLines(m.text()));
            }
        }
    }

    CloseResult awaitClose(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Object> skipped = new ArrayList<>();
        synchronized (pendingLines) {
            skipped.addAll(pendingLines);
            pendingLines.clear();
        }
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                return new CloseResult(EndKind.TIMEOUT, -1, "", EndKind.TIMEOUT, List.copyOf(skipped));
            }
            if (e instanceof EndEvent ended) {
                return closeResultFor(ended, skipped, EndKind.TIMEOUT);
            }
            RawFrame f = ((FrameEvent) e).frame();
            if (f.opcode() == OP_CLOSE) {
                return afterCloseFrame(f, deadline, skipped);
            }
            if (f.opcode() != OP_PING && f.opcode() != OP_PONG) {
                skipped.add(f);
            }
        }
    }

    private CloseResult afterCloseFrame(RawFrame close, long deadline, List<Object> skipped) throws InterruptedException {
        EndKind tcp = EndKind.TIMEOUT;
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                break;
            }
            if (e instanceof EndEvent ended) {
                tcp = ended.kind();
                break;
            }
        }
        return new CloseResult(EndKind.CLOSE_FRAME, close.closeCode(), close.closeReason(), tcp, List.copyOf(skipped));
    }

    private CloseResult closeResultFor(EndEvent ended, List<Object> skipped, EndKind tcp) {
        RawFrame cf = closeFrame;
        if (cf != null) {
            return new CloseResult(EndKind.CLOSE_FRAME, cf.closeCode(), cf.closeReason(), ended.kind(),
                    List.copyOf(skipped));
        }
        return new CloseResult(ended.kind(), -1, ended.cause() == null ? "" : String.valueOf(ended.cause().getMessage()),
                tcp, List.copyOf(skipped));
    }

    private Event poll(Duration timeout) throws InterruptedException {
        Event e = events.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (e == null && events.isEmpty() && end != null) {
            return end; // sticky end
        }
        return e;
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }
}
