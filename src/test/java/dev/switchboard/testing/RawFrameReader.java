package dev.switchboard.testing;

import dev.switchboard.testing.RawInbox.EndEvent;
import dev.switchboard.testing.RawWebSocket.EndKind;
import dev.switchboard.testing.RawFrame;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.testing.RawWebSocket.OP_CLOSE;
import static dev.switchboard.testing.RawWebSocket.OP_PING;
import static dev.switchboard.testing.RawWebSocket.OP_PONG;

/**
 * A {@link RawWebSocket}'s daemon reader thread: reads every server frame into its {@link RawInbox} as soon as it
 * arrives, answers pings and the server's close as its options say, and stops after the frame in flight while paused.
 */
final class RawFrameReader {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RawWebSocket ws;
    private final InputStream in;
    private final RawInbox inbox;
    private final int maxFramePayload;
    private final Object gate = new Object();
    private final AtomicInteger pingsReceived = new AtomicInteger();
    private final AtomicInteger pongsSent = new AtomicInteger();
    private final Thread thread;
    private volatile boolean paused;

    RawFrameReader(RawWebSocket ws, InputStream in, RawInbox inbox) {
        this.ws = ws;
        this.in = in;
        this.inbox = inbox;
        this.maxFramePayload = ws.options().maxFramePayload();
        this.thread = new Thread(this::readLoop, "raw-ws-reader-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int pingsReceived() {
        return pingsReceived.get();
    }

    int pongsSent() {
        return pongsSent.get();
    }

    void pause() {
        paused = true;
    }

    void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** Wakes a paused reader (the socket was closed) and waits up to 2 s for it to end, unless called from it. */
    void join() {
        synchronized (gate) {
            gate.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readLoop() {
        EndEvent result;
        try {
            while (true) {
                synchronized (gate) {
                    while (paused && !ws.localEnd()) {
                        gate.wait();
                    }
                }
                RawFrame f = readFrame();
                if (f.opcode() == OP_PING) {
                    answerPing(f);
                } else if (f.opcode() == OP_CLOSE && inbox.closeFrame() == null) {
                    inbox.closeReceived(f);
                    answerClose(f);
                }
                inbox.add(f);
            }
        } catch (EOFException e) {
            result = new EndEvent(ws.localEnd() ? EndKind.LOCAL : EndKind.EOF, e);
        } catch (ProtocolException e) {
            result = new EndEvent(EndKind.PROTOCOL_ERROR, e);
            RawWebSocket.closeQuietly(ws.socket());
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            boolean reset = m.contains("reset") || m.contains("broken pipe");
            result = new EndEvent(ws.localEnd() ? EndKind.LOCAL : reset ? EndKind.RESET : EndKind.EOF, e);
        } catch (IOException e) {
            result = new EndEvent(ws.localEnd() ? EndKind.LOCAL : EndKind.RESET, e);
        } catch (InterruptedException e) {
            result = new EndEvent(EndKind.LOCAL, e);
        }
        inbox.end(result);
    }

    private void answerPing(RawFrame ping) {
        pingsReceived.incrementAndGet();
        if (ws.options().autoPong() && !ws.closeSent()) {
            try {
                ws.sendRaw(RawWebSocket.frame(OP_PONG).payload(ping.payload()).encode());
                pongsSent.incrementAndGet();
            } catch (IOException ignored) {
                // the read side will see the end
            }
        }
    }

    private void answerClose(RawFrame close) {
        if (ws.options().autoCloseReply() && !ws.closeSent()) {
            try {
                int code = close.closeCode();
                if (code == 1005 || code == 1006 || code == 1015) {
                    ws.sendCloseEmpty();
                } else {
                    ws.sendClose(code, "");
                }
            } catch (IOException ignored) {
                // server may already have closed
            }
        }
    }

    private static final class ProtocolException extends IOException {
        ProtocolException(String m) {
            super(m);
        }
    }

    private RawFrame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("end of stream");
        }
        int b1 = readByte();
        boolean fin = (b0 & 0x80) != 0;
        int rsv = (b0 >> 4) & 0x7;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        if (len == 126) {
            len = ((long) readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        if (len < 0 || len > maxFramePayload) {
            throw new ProtocolException("server frame declares " + len + " bytes (limit " + maxFramePayload + ")");
        }
        byte[] mask = null;
        if (masked) {
            mask = readFully(4);
        }
        byte[] payload = readFully((int) len);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new RawFrame(fin, rsv, opcode, masked, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("end of stream inside a frame");
        }
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("end of stream inside a frame");
            }
            off += r;
        }
        return b;
    }
}
