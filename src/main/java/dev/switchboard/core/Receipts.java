package dev.switchboard.core;

import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Chat 1.1 {@code receipt}s ("bob has read up to 58") to a room's other members, coalesced per user and room: the
 * first read position goes out at once and opens a window of {@link #WINDOW_MS}; positions reported during the window
 * are kept (the highest) and the last one goes out when it closes, which opens the next window. So a member gets at
 * most about one receipt per user and room per second from each node the user reads on, however often the user's
 * clients send {@code read}, and the newest position always arrives.
 *
 * <p>Memory: one entry per user and room with an open window (read within the last second). Beyond
 * {@link #MAX_OPEN} open windows a receipt goes out at once without opening one, so nothing grows without bound and
 * no position is lost.
 *
 * <p>Locking: the monitor guards the map; receipts are sent after it is released.
 */
final class Receipts {

    static final long WINDOW_MS = 1000;
    static final int MAX_OPEN = 100_000;

    /** Runs a task later (the hub's scheduler). */
    interface Timer {
        void after(long millis, Runnable task);
    }

    private record Key(ChannelId room, String user) {}

    private final Bus bus;
    private final Timer timer;
    /** Open windows: the highest position reported since the window opened, 0 when none. */
    private final Map<Key, Long> open = new HashMap<>();

    Receipts(Bus bus, Timer timer) {
        this.bus = bus;
        this.timer = timer;
    }

    /** {@code user} read up to {@code position} in {@code room} (a position higher than the user's stored one). */
    void offer(ChannelId room, String user, long position) {
        Key key = new Key(room, user);
        boolean windowOpened;
        synchronized (this) {
            Long waiting = open.get(key);
            if (waiting != null) {
                open.put(key, Math.max(waiting, position));
                return;
            }
            windowOpened = open.size() < MAX_OPEN;
            if (windowOpened) {
                open.put(key, 0L);
            }
        }
        send(room, user, position);
        if (windowOpened) {
            schedule(key);
        }
    }

    private void schedule(Key key) {
        try {
            timer.after(WINDOW_MS, () -> close(key));
        } catch (RejectedExecutionException stopping) {
            synchronized (this) {
                open.remove(key);
            }
        }
    }

    /** The window ends: the position reported during it goes out and opens the next window, or the entry goes. */
    private void close(Key key) {
        long position;
        synchronized (this) {
            Long waiting = open.get(key);
            if (waiting == null || waiting == 0) {
                open.remove(key);
                return;
            }
            position = waiting;
            open.put(key, 0L);
        }
        send(key.room(), key.user(), position);
        schedule(key);
    }

    private void send(ChannelId room, String user, long position) {
        bus.signal(room, Wire.encode(new ServerMessage.Receipt(room.name(), user, position)), user);
    }

    synchronized int openWindows() {
        return open.size();
    }
}
