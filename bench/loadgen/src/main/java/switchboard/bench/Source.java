package switchboard.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What a sweep's one sender does, paced open-loop: publish over HTTP ({@link Publisher}) or commit rows to a watched
 * database table ({@link DbWriter}). {@code accepted}: published or committed; {@code skipped}: not sent because the
 * window was full or the pacer fell far behind; {@code failed}: errors.
 */
abstract class Source {
    final AtomicLong sent = new AtomicLong(), accepted = new AtomicLong(), failed = new AtomicLong(), skipped = new AtomicLong();

    /** Sends one message per {@code periodNs} from {@code start} until {@code end}, on the calling thread. */
    final void run(long periodNs, long start, long end) {
        long next = start;
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) { LockSupport.parkNanos(next - now); continue; }
            if (now - next > 100_000_000L) { // far behind: skip rather than burst
                long k = (now - next) / periodNs;
                skipped.addAndGet(k);
                next += k * periodNs;
                if (next >= end) break;
            }
            sendOne(now);
            next += periodNs;
        }
    }

    /** Sends one message now ({@code now}: its System.nanoTime), or counts it as skipped or failed. */
    abstract void sendOne(long now);

    /** Waits until everything sent has been answered; false on timeout. */
    abstract boolean awaitIdle(long timeoutMs) throws InterruptedException;
}
