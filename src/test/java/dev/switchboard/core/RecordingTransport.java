package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The socket side of a connection in core tests: records every frame the hub sends (split on newlines, as clients
 * do), completes sends at once unless {@link #stall() stalled}, and records the close code. Not a stand-in for the
 * hub: it plays the client.
 */
class RecordingTransport implements Transport {

    /** One factory for all: {@code Json.createReader} looks the provider up on the class path on every call. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(null);

    final List<String> writes = new ArrayList<>();
    private final List<JsonObject> frames = new ArrayList<>();
    private int read;
    private boolean stalled;
    /** The client is gone (reset) and the server has not noticed yet: writes fail. */
    private boolean gone;
    private final List<Consumer<Throwable>> pending = new ArrayList<>();
    volatile CloseCode closedWith;
    volatile boolean aborted;
    int pings;
    /** "send", "ping", "close" in the order the transport saw them. */
    final List<String> order = new ArrayList<>();
    /** What this socket claims to hold unwritten besides the outbox's frames ({@link Transport#pendingBytes}). */
    volatile long unwritten;

    @Override
    public synchronized void send(Outgoing frame, Consumer<Throwable> done) {
        String text = frame.text();
        writes.add(text);
        order.add("send");
        for (String line : text.split("\n")) {
            try (JsonReader r = JSON.createReader(new StringReader(line))) {
                frames.add(r.readObject());
            }
        }
        notifyAll();
        if (gone) {
            done.accept(new java.io.IOException("Connection reset by peer"));
        } else if (stalled) {
            pending.add(done);
        } else {
            done.accept(null);
        }
    }

    /** Records and completes at once (or holds the completion when stalled): it never waits. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public synchronized void opened(Connection connection) {
        order.add("opened");
    }

    @Override
    public synchronized void ping() {
        pings++;
        order.add("ping");
    }

    @Override
    public long pendingBytes() {
        return unwritten;
    }

    @Override
    public boolean isOpen() {
        return closedWith == null;
    }

    @Override
    public void close(CloseCode code, String reason) {
        synchronized (this) {
            order.add("close");
        }
        closedWith = code;
    }

    @Override
    public void abort(CloseCode code, String reason) {
        aborted = true;
        close(code, reason);
    }

    /** Completes the oldest stalled send and stays stalled (the client read one frame). */
    void completeOne() {
        Consumer<Throwable> first;
        synchronized (this) {
            first = pending.remove(0);
        }
        first.accept(null);
    }

    /** From now on, sends fail (the client reset the connection; the server has not seen it yet). */
    synchronized void gone() {
        gone = true;
    }

    /** From now on, sends do not complete (a client that stopped reading). */
    synchronized void stall() {
        stalled = true;
    }

    /** Completes stalled sends and goes back to completing at once. */
    void resume() {
        List<Consumer<Throwable>> waiting;
        synchronized (this) {
            stalled = false;
            waiting = new ArrayList<>(pending);
            pending.clear();
        }
        waiting.forEach(d -> d.accept(null));
    }

    /** The next frame not read yet; fails if there is none (the in-memory hub delivers synchronously). */
    synchronized JsonObject next() {
        if (read >= frames.size()) {
            throw new AssertionError("no frame; all frames: " + frames);
        }
        return frames.get(read++);
    }

    synchronized JsonObject expect(String type) {
        JsonObject f = next();
        if (!type.equals(f.getString("type"))) {
            throw new AssertionError("expected " + type + " but got " + f);
        }
        return f;
    }

    /** The next frame, waiting up to {@code ms} for it (frames sent from another thread); fails if it is not {@code type}. */
    synchronized JsonObject await(String type, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (read >= frames.size()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("no " + type + " within " + ms + " ms; all frames: " + frames);
            }
            wait(left);
        }
        return expect(type);
    }

    synchronized List<JsonObject> unread() {
        List<JsonObject> out = new ArrayList<>(frames.subList(read, frames.size()));
        read = frames.size();
        return out;
    }

    synchronized int frameCount() {
        return frames.size();
    }
}
