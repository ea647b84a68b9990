package dev.switchboard.core;

import java.util.Iterator;
import java.util.function.BooleanSupplier;

/**
 * Offers a long series of frames to one connection a page at a time: up to {@link Outbox#pageBytes()} (at least one
 * frame), then the next page once the outbox has sent that one ({@link Outbox#whenIdle}), then {@code end}. So what a
 * client asked for (a recovery of a busy room, the whispers of a long absence) is bounded in the outbox by a page, not
 * by its whole size: a client that reads gets all of it, one that does not is closed for not reading (4001), as it would
 * be for live traffic.
 *
 * <p>Threads: the first page is offered by the caller of {@link #run}; later ones by the thread that completes the
 * outbox's last send. One page at a time: nothing here is shared.
 */
final class Pages implements Runnable {

    private final Outbox outbox;
    private final Iterator<Outgoing> frames;
    private final BooleanSupplier cancelled;
    private final Runnable end;

    Pages(Outbox outbox, Iterator<Outgoing> frames, BooleanSupplier cancelled, Runnable end) {
        this.outbox = outbox;
        this.frames = frames;
        this.cancelled = cancelled;
        this.end = end;
    }

    @Override
    public void run() {
        if (cancelled.getAsBoolean()) {
            return;
        }
        long page = outbox.pageBytes();
        long offered = 0;
        while (frames.hasNext() && offered < page) {
            Outgoing frame = frames.next();
            if (!outbox.offer(frame)) {
                return; // closed: nothing more goes out
            }
            offered += frame.bytes();
        }
        if (frames.hasNext()) {
            outbox.whenIdle(this);
        } else {
            end.run();
        }
    }
}
