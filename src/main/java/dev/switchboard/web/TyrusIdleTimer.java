package dev.switchboard.web;

import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler a Tyrus session in Payara uses for its idle timer, without a task per message. Payara's Tyrus
 * (2.1.5.payara-p2) restarts a session's idle timer on every message read and every message sent
 * ({@code TyrusSession.restartIdleTimeoutExecutor}) even when the session has no idle timeout (Switchboard's are all
 * -1: liveness is the hub's heartbeat); Tyrus 2.1.6 skips that. The timer is a task on Payara's managed scheduled
 * executor, which captures the calling thread's context for every task, with a {@code ServiceLoader} scan of the
 * application's class path (seen in thread dumps: a flood of small frames was read a few hundred a second, and its
 * client's close answer waited behind them). A check scheduled without delay (the session's idle timeout is 0 or
 * negative) does nothing when it runs ({@code IdleTimeoutCommand}: only a positive timeout closes), so here it is not
 * scheduled at all; anything else (a positive idle timeout, Tyrus's heartbeat) runs on one daemon thread.
 * {@link ContainerInternals} puts one shared instance into each such session's {@code service} field.
 */
final class TyrusIdleTimer extends ScheduledThreadPoolExecutor {

    /** What a check that is not scheduled returns: done, nothing to cancel. */
    private static final ScheduledFuture<Object> NOTHING = new ScheduledFuture<>() {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    };

    static final TyrusIdleTimer SHARED = new TyrusIdleTimer();

    private TyrusIdleTimer() {
        super(1, daemon());
        setRemoveOnCancelPolicy(true);
    }

    private static ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "switchboard-tyrus-timer");
            t.setDaemon(true);
            return t;
        };
    }

    /** Without delay: a session without idle timeout restarting its timer; nothing to do. */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (delay <= 0) {
            return NOTHING;
        }
        return super.schedule(command, delay, unit);
    }
}
