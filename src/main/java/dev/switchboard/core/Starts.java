package dev.switchboard.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The sends one fan-out claimed on idle outboxes ({@link Outbox#offer(Outgoing, Starts)}), handed to the send
 * executor in a few tasks instead of one task per member. A task hand-off wakes a parked pool thread (a futex call on
 * each side); one per member was the largest single cost of a room's fan-out in the profile (13 % of the runner's CPU
 * samples at 50 k deliveries/s in rooms of 50). Those sends run on the send executor; a fan-out of at most
 * {@link #INLINE} members writes on the delivering thread instead, the write alone (what follows it still goes to the
 * executor, {@link SendLoop#sendClaimedHere}). Each outbox still has one write in flight: a claimed outbox queues what
 * comes next until its send here completes.
 *
 * <p>One instance per fan-out, used by one thread; every outbox it collects must share one send executor (those of one
 * hub do). {@link #flush} must follow the last {@code add}, also when a delivery throws: a claimed outbox whose start is
 * never run stays claimed.
 */
final class Starts {

    private static final Logger LOG = System.getLogger(Starts.class.getName());
    /** Tasks per fan-out at most: the send pool's size ({@code Hub}: at least 2, one per core). */
    static final int TASKS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Fewer sends than this per task are not worth another hand-off. */
    static final int MIN_PER_TASK = 16;
    /**
     * Fan-outs this small write on the delivering thread: a hand-off (waking a pool thread, a futex call on each side)
     * costs more than the writes themselves. In rooms of 2 with everyone sending this saved 12-25 % of the runner's
     * CPU per message (docs/performance.md).
     */
    static final int INLINE = 4;

    private SendLoop[] loops;
    private Outgoing[] frames;
    private int size;

    Starts(int expected) {
        int capacity = Math.max(4, expected);
        loops = new SendLoop[capacity];
        frames = new Outgoing[capacity];
    }

    /** A frame {@code loop} claimed its write for; sent by {@link #flush}. */
    void add(SendLoop loop, Outgoing frame) {
        if (size == loops.length) {
            loops = Arrays.copyOf(loops, size * 2);
            frames = Arrays.copyOf(frames, size * 2);
        }
        loops[size] = loop;
        frames[size] = frame;
        size++;
    }

    /**
     * Sends what was added: a fan-out of at most {@link #INLINE} sends writes them on this thread where the transport
     * never waits (the write alone, {@link SendLoop#sendClaimedHere}); the rest go to the send executor in at most
     * {@link #TASKS} tasks.
     */
    void flush() {
        if (size == 0) {
            return;
        }
        if (size <= INLINE) {
            int left = 0; // sends to transports that may wait: to the executor below, in one task
            for (int i = 0; i < size; i++) {
                if (!loops[i].writesHere()) {
                    loops[left] = loops[i];
                    frames[left] = frames[i];
                    left++;
                    continue;
                }
                try {
                    loops[i].sendClaimedHere(frames[i]);
                } catch (RuntimeException e) { // one member's failure must not leave the others' outboxes claimed
                    LOG.log(Level.ERROR, "a send failed", e);
                    loops[i].failedHere(e);
                }
            }
            size = left;
            if (size == 0) {
                return;
            }
        }
        int tasks = Math.max(1, Math.min(TASKS, size / MIN_PER_TASK));
        int per = (size + tasks - 1) / tasks;
        SendLoop[] l = loops;
        Outgoing[] f = frames;
        Executor executor = l[0].sender(); // the same for all (class comment)
        for (int from = 0; from < size; from += per) {
            int start = from;
            int end = Math.min(size, from + per);
            try {
                executor.execute(() -> run(l, f, start, end));
            } catch (RejectedExecutionException e) { // the hub is stopping: nothing more goes out
                for (int i = start; i < end; i++) {
                    l[i].rejected();
                }
            }
        }
        size = 0;
        loops = new SendLoop[0];
        frames = new Outgoing[0];
    }

    private static void run(SendLoop[] loops, Outgoing[] frames, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                loops[i].runClaimed(frames[i]);
            } catch (RuntimeException e) { // one member's failure must not leave the others' outboxes claimed
                LOG.log(Level.ERROR, "a send failed", e);
                loops[i].failed(e);
            }
        }
    }
}
