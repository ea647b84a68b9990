package dev.switchboard.standalone;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The runner's I/O strategy when the core never waits on the network (the in-memory store): a read of an upgraded
 * WebSocket connection is processed on the selector thread that saw it, as an event loop does; everything else (HTTP
 * requests, handshakes, closes) on Grizzly's worker threads, as with {@link WorkerThreadIOStrategy}.
 *
 * <p>Why: with worker threads every incoming frame costs the selector two {@code epoll_ctl} calls (interest off, then
 * on again) and a thread hand-off (a futex wake on each side) before it is read. For small rooms, where every delivery
 * pays for its own incoming message, that was a third of the server's CPU per message (chat scenario, 2026-12-05).
 *
 * <p>Safe only because processing a frame never blocks with an in-process store: it decodes, checks limits, appends to
 * memory and hands sends to the outboxes' executor ({@code Outbox}); database snapshots run on their own thread. A
 * Redis store's presence calls wait for a round trip, so with Redis the runner keeps {@link WorkerThreadIOStrategy}.
 *
 * <p>With this strategy the runner has one selector thread per core ({@link #selectorThreads}), not Grizzly's
 * default of one more than the cores: the selector threads now do the frames' work, and a thread beyond the cores only
 * adds wake-ups. Measured in the chat bench (500 rooms of 2, 2 cores): about a tenth less CPU per message with 2
 * selector threads than with 3, fan-out and rooms of 50 alike (docs/performance.md, eleventh session).
 */
final class SelectorReads extends AbstractIOStrategy {

    private final WorkerThreadIOStrategy workers = WorkerThreadIOStrategy.getInstance();
    private final SameThreadIOStrategy selector = SameThreadIOStrategy.getInstance();

    private static boolean onSelector(Connection<?> connection, IOEvent event) {
        return event == IOEvent.READ && UpgradedConnections.upgraded(connection);
    }

    /** How many selector threads the runner has with this strategy: one per core. */
    static int selectorThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent event, boolean enabled) throws IOException {
        return onSelector(connection, event)
                ? selector.executeIoEvent(connection, event, enabled)
                : workers.executeIoEvent(connection, event, enabled);
    }

    @Override
    public Executor getThreadPoolFor(Connection connection, IOEvent event) {
        return onSelector(connection, event) ? null : workers.getThreadPoolFor(connection, event);
    }

    @Override
    public ThreadPoolConfig createDefaultWorkerPoolConfig(Transport transport) {
        return workers.createDefaultWorkerPoolConfig(transport);
    }
}
