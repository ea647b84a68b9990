package switchboard.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a sweep's one sender does, paced open-loop: publish over HTTP ({@link Publisher}) or commit rows to a watched
 * database table ({@link DbWriter}). {@code accepted}: published or committed; {@code skipped}: not sent because the
 * window was full or the pacer fell far behind; {@code failed}: errors.
 */
abstract class Source {
    final AtomicLong sent = new AtomicLong(), accepted = new AtomicLong(), failed = new AtomicLong(), skipped = new AtomicLong();

    /** Sends one message per {@code periodNs} from {@code start} until {@code end}, on the calling thread. */
    abstract void run(long periodNs, long start, long end);

    /** Waits until everything sent has been answered; false on timeout. */
    abstract boolean awaitIdle(long timeoutMs) throws InterruptedException;
}
