package dev.switchboard.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The one write in flight of an {@link Outbox}: whoever sets {@link #sending} owns the transport until it is cleared,
 * so the transport sees one send, ping or close at a time. When a write completes, the owner takes the next piece of
 * work in this order: a close that waited (draining: once the queue is empty), then a ping that waited, then the
 * backlog as one batch ({@link Batches}); when there is none, the outbox is idle and its idle waiters run (a long
 * reply's next page, {@link Outbox#whenIdle}).
 *
 * <p>Sends run on the send executor, not on the thread that delivers a message to a whole room: that thread only
 * enqueues (or, when the outbox is idle, claims the write and hands the frame straight to the executor), so a room's
 * fan-out costs one queue operation per member, and while a member's send is in flight its next messages accumulate
 * and leave together. A small fan-out writes its claimed frames itself ({@link #sendClaimedHere}: the write alone,
 * where the transport never waits). A write that completes on the thread that is still inside {@link Transport#send}
 * (a fast socket) continues in the loop of {@link #run}, not by recursion; one that completes later continues on the
 * completing thread, which hands the next batch to the executor.
 *
 * <p>Locking: the outbox's monitor ({@link #lock}, the outbox itself: one lock for the whole outbox, shared with its
 * {@link FrameQueue} and {@link CloseState}) guards the flags here; the send path takes it for a few field updates
 * around each write (before the send, on its completion, after the send returns) and takes no other lock.
 * {@link Transport} is never called while holding it (a completion may run on the sending thread and re-enter), and
 * neither are the idle waiters. Every change of {@link #sending} to false notifies the monitor: {@link Outbox#closeNow}
 * waits on it for the write in flight.
 */
final class SendLoop {

    private static final long NONE = -1;
    /** The work item "send a ping" (compared by identity). */
    private static final Object PING = new Object();

    /** The outbox: its monitor guards this loop's state, and it names the connection and closes it. */
    private final Outbox lock;
    private final Transport transport;
    private final Executor sender;
    private final Stats stats;
    private final FrameQueue queue;
    private final CloseState closes;
    private final int batchMaxBytes;

    /** Run, one at a time, whenever the outbox has nothing queued or in flight ({@link #whenIdle}). */
    private final ArrayDeque<Runnable> idleWaiters = new ArrayDeque<>();
    /** A write (a batch or a ping) is in flight; whoever set it owns the transport until it is cleared. */
    private boolean sending;
    /** A ping asked for while a write was in flight: it goes next. */
    private boolean pingWanted;
    /** The thread currently inside transport.send, to turn a completion on that same thread into a loop. */
    private long sendingThread = NONE; // a thread id, not a Thread: no reference store (G1 card) per send
    private boolean completedInline;

    SendLoop(Outbox lock, Transport transport, Executor sender, Stats stats, FrameQueue queue, CloseState closes,
             int batchMaxBytes) {
        this.lock = lock;
        this.transport = transport;
        this.sender = sender;
        this.stats = stats;
        this.queue = queue;
        this.closes = closes;
        this.batchMaxBytes = batchMaxBytes;
    }

    /** A write is in flight. Caller holds the monitor. */
    boolean sending() {
        return sending;
    }

    /**
     * The idle fast path: claims the write for one frame of {@code length} bytes that goes straight to the executor
     * ({@link #start}), not through the queue. Besides a queue operation this saves storing a young object into this
     * long-lived outbox's array, which under G1 dirties a card per recipient that the collector must then scan (5000
     * subscribers: 5000 cards a message). Caller holds the monitor and saw {@link #sending} false.
     */
    void claim(int length) {
        sending = true;
        queue.inFlight(length);
        stats.framesOut.increment();
    }

    /** Sends the frame {@link #claim} claimed the write for, on the executor; without the monitor. */
    void start(Outgoing frame) {
        schedule(() -> run(frame));
    }

    /** Sends the frame {@link #claim} claimed the write for, on this thread (a send-executor task of {@link Starts}). */
    void runClaimed(Outgoing frame) {
        run(frame);
    }

    /**
     * Writes the frame {@link #claim} claimed the write for on this thread, which delivers a small fan-out and may
     * hold locks (a channel log's monitor) that nothing after the write may run under: the write alone happens here
     * (the transport's send does not block: it queues what the socket does not take at once). Whatever follows (the
     * next batch, a ping, a close, idle waiters, a failed write's consequences) goes to the send executor, unless the
     * write completed here and nothing follows: the outbox is idle again without any hand-off (a chat's common case).
     * Only where {@link #writesHere}.
     */
    void sendClaimedHere(Outgoing frame) {
        long me = Thread.currentThread().getId();
        synchronized (lock) {
            sendingThread = me;
            completedInline = false;
        }
        transport.send(frame, callback(frame, failure -> {
            if (failure == null) {
                sent(null);
            } else if (Thread.currentThread().getId() == me) {
                schedule(() -> sent(failure)); // closing, reporting a slow consumer: not under the caller's locks
            } else {
                sent(failure);
            }
        }));
        Object work;
        synchronized (lock) {
            sendingThread = NONE;
            if (!completedInline) {
                return; // completes later, on another thread, which continues; or failed, and handed over
            }
            work = next();
            if (work == null && idleWaiters.isEmpty()) {
                return; // idle again
            }
        }
        schedule(work == null ? this::runIdleWaiters : () -> run(work));
    }

    /**
     * The completion callback of a write of {@code inFlight}: traces and samples it, tells its {@link Outgoing#written}
     * hook when it was written, then {@code done}.
     */
    private Consumer<Throwable> callback(Outgoing inFlight, Consumer<Throwable> done) {
        SendSamples.Sample sample = inFlight.sample;
        Runnable written = inFlight.written;
        if (inFlight.trace() == null && sample == null && written == null) {
            return done;
        }
        return failure -> {
            if (inFlight.trace() != null) {
                TraceLog.sent(inFlight, lock.owner(), failure);
            }
            if (failure == null) {
                if (sample != null) {
                    sample.sent();
                }
                if (written != null) {
                    written.run();
                }
            }
            done.accept(failure);
        };
    }

    /** Whether {@link #sendClaimedHere} may be used: the transport's send never waits ({@link Transport#neverBlocks}). */
    boolean writesHere() {
        return transport.neverBlocks();
    }

    /** The executor {@link #start} uses. */
    Executor sender() {
        return sender;
    }

    /** A send that threw instead of reporting its failure: handled as a failed write (the queue is dropped). */
    void failed(RuntimeException e) {
        synchronized (lock) {
            sendingThread = NONE;
        }
        sent(e);
    }

    /** {@link #failed} for a send that threw in {@link #sendClaimedHere}: its consequences go to the executor. */
    void failedHere(RuntimeException e) {
        synchronized (lock) {
            sendingThread = NONE;
        }
        schedule(() -> sent(e));
    }

    /** Drops the queue and the idle waiters: nothing more goes out but a close. Caller holds the monitor. */
    void drop() {
        queue.drop();
        idleWaiters.clear();
    }

    /** A close was asked for: no ping waits any more, and (with {@code draining}) neither do idle waiters. */
    void closing(boolean draining) {
        pingWanted = false;
        if (draining) {
            idleWaiters.clear();
        }
    }

    /** Whether work other than queued frames is still taken: no close asked for, queue not dropped. Monitor held. */
    private boolean open() {
        return !queue.closed() && !closes.closing();
    }

    /** See {@link Outbox#whenIdle}. */
    void whenIdle(Runnable next) {
        synchronized (lock) {
            if (!open()) {
                return;
            }
            idleWaiters.addLast(next);
        }
        runIdleWaiters();
    }

    /** Runs waiters while the outbox stays idle after each; never under the monitor. */
    private void runIdleWaiters() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                if (!open() || sending || !queue.isEmpty() || idleWaiters.isEmpty()) {
                    return;
                }
                next = idleWaiters.pollFirst();
            }
            next.run();
        }
    }

    /**
     * See {@link Outbox#ping}: at once when nothing is in flight, else right after the write; on the send executor,
     * never on the calling thread (the hub's housekeeping, which pings every connection in turn): a container's ping
     * may block until written (Tomcat's and Jetty's API do), and one client that does not read must not hold it.
     */
    void ping() {
        synchronized (lock) {
            if (!open()) {
                return;
            }
            if (sending) {
                pingWanted = true;
                return;
            }
            sending = true;
        }
        schedule(() -> run(PING));
    }

    private void schedule(Runnable task) {
        try {
            sender.execute(task);
        } catch (RejectedExecutionException e) {
            rejected();
        }
    }

    /** The send executor refused a task of this loop: the hub is stopping, nothing more goes out. */
    void rejected() {
        synchronized (lock) {
            queue.close();
            sending = false;
            lock.notifyAll();
        }
    }

    /**
     * What the owner of the write-in-flight flag does next, once a write completed; caller holds the monitor. A close
     * that waited (and, draining, found the queue empty) comes first, then a ping that waited, then the queue. Null:
     * the outbox went idle.
     */
    private Object next() {
        queue.inFlight(0); // the write completed (Batches.take sets it again)
        if (closes.waiting() != null && (queue.closed() || queue.isEmpty())) {
            sending = false;
            lock.notifyAll();
            return closes.take();
        }
        closes.progressed(); // a write completed: the client reads, a waiting close keeps waiting for the queue
        if (pingWanted && !queue.closed()) {
            pingWanted = false;
            return PING;
        }
        if (!queue.closed() && !queue.isEmpty()) {
            stats.framesOut.increment();
            return Batches.take(queue, batchMaxBytes);
        }
        sending = false;
        lock.notifyAll();
        return null;
    }

    /**
     * Owns the write-in-flight flag and does {@code work}: writes, and keeps going on this thread while writes
     * complete on it (a loop, not a recursion); a write that completes later continues on the completing thread.
     */
    private void run(Object work) {
        while (work != null) {
            if (work instanceof CloseState.Close close) {
                transport.close(close.code(), close.reason());
                return;
            }
            if (work == PING) {
                transport.ping();
                synchronized (lock) {
                    work = next();
                }
                continue;
            }
            synchronized (lock) {
                sendingThread = Thread.currentThread().getId();
                completedInline = false;
            }
            Outgoing inFlight = (Outgoing) work;
            transport.send(inFlight, callback(inFlight, this::sent));
            synchronized (lock) {
                sendingThread = NONE;
                if (!completedInline) {
                    return; // completes later, on another thread, which continues
                }
                work = next();
            }
        }
        runIdleWaiters(); // went idle on this thread: a long reply's next page
    }

    /** After a write completed on a thread that is not the sender's (the tick's ping, a late completion). */
    private void continueAfterWrite() {
        Object work;
        synchronized (lock) {
            work = next();
        }
        if (work instanceof CloseState.Close close) {
            transport.close(close.code(), close.reason());
        } else if (work != null) {
            schedule(() -> run(work)); // what accumulated meanwhile goes out together, on the send executor
        } else {
            runIdleWaiters();
        }
    }

    private void sent(Throwable failure) {
        if (failure == null) {
            synchronized (lock) {
                if (sendingThread == Thread.currentThread().getId()) {
                    completedInline = true;
                    return;
                }
            }
            continueAfterWrite();
            return;
        }
        CloseState.Close close = null;
        boolean unexplained;
        synchronized (lock) {
            sending = false;
            queue.inFlight(0);
            stats.dropped.add(queue.size());
            drop();
            pingWanted = false;
            if (closes.waiting() != null) {
                close = closes.take(); // the socket may still take the close frame
            }
            unexplained = close == null && !closes.started();
            lock.notifyAll();
        }
        if (close != null) {
            transport.close(close.code(), close.reason());
        } else if (unexplained && transport.isOpen()) {
            // On an open socket the container refused to queue more (its write queue is bounded too): the client
            // is not reading. On a closed or closing one, the endpoint's close callback releases the connection.
            lock.slowConsumer();
        }
    }
}
