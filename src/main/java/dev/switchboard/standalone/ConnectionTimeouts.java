package dev.switchboard.standalone;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Time limits and a per-address cap for the runner's connections until they become WebSocket connections. Without
 * them a connection that sends nothing, or request headers a byte at a time, or one idle between HTTP requests, stays
 * open for ever, each holding a socket and buffers (Grizzly's keep-alive timer is off on the runner, and Tyrus has
 * none for a handshake).
 * <ul>
 *   <li>{@code headerTimeoutMs}: a connection must have sent complete request headers (a WebSocket handshake's too)
 *       within this of opening, and a later request on it within this of its first byte; else it is closed. Bytes
 *       trickling in do not extend it.</li>
 *   <li>{@code keepAliveTimeoutMs}: a connection idle this long after a response is closed.</li>
 *   <li>{@code maxPendingConnectionsPerAddress}: connections of one address not upgraded (yet); more are closed as
 *       they are accepted.</li>
 * </ul>
 * A connection is followed from its accept to its close or its upgrade (a 101 response): from then on the WebSocket
 * heartbeat watches it. A request being served (headers complete, response not finished) has no deadline here: the
 * HTTP API bounds its own body reads ({@code apiReadTimeoutMs}).
 *
 * <p>Two filters: one right after the transport (accepts, reads, closes; in front of TLS, so a stalled TLS handshake
 * is timed too) and one right after the HTTP codec (complete request headers, response ends). A sweeper on the
 * runner's timer thread closes what is past its deadline. Threads: a connection's state is written by the thread
 * handling its event (one at a time) and read by the sweeper; volatile fields suffice.
 */
final class ConnectionTimeouts {

    private static final Logger LOG = System.getLogger(ConnectionTimeouts.class.getName());
    private static final String SEEN = ConnectionTimeouts.class.getName() + ".seen";

    private final long headerTimeoutMs;
    private final long keepAliveMs;
    private final int maxPerAddress;
    private final LongSupplier millis;
    private final Map<Connection<?>, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** One connection not upgraded: its address, when it must have made progress, and whether it is between requests. */
    private static final class Tracked {
        final String address;
        volatile long deadline;
        volatile boolean idle;

        Tracked(String address, long deadline) {
            this.address = address;
            this.deadline = deadline;
        }
    }

    /** The settings' values; 0 switches a limit off. */
    ConnectionTimeouts(long headerTimeoutMs, long keepAliveMs, int maxPerAddress, LongSupplier millis) {
        this.headerTimeoutMs = headerTimeoutMs;
        this.keepAliveMs = keepAliveMs;
        this.maxPerAddress = maxPerAddress;
        this.millis = millis;
    }

    /** Installs both filters; any time after Tyrus's add-on. */
    AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int transport = builder.indexOfType(TransportFilter.class);
                int codec = builder.indexOfType(HttpServerFilter.class);
                if (transport < 0 || codec < 0) {
                    throw new IllegalStateException("unexpected filter chain: no transport filter or HTTP codec");
                }
                builder.add(codec + 1, new AfterCodec());
                builder.add(transport + 1, new Front());
            }
        };
    }

    /** Sweeps every quarter of the shortest limit (50 ms to 1 s) on {@code timer}. */
    void start(ScheduledExecutorService timer) {
        long shortest = Math.min(headerTimeoutMs > 0 ? headerTimeoutMs : Long.MAX_VALUE,
                keepAliveMs > 0 ? keepAliveMs : Long.MAX_VALUE);
        if (shortest == Long.MAX_VALUE) {
            return;
        }
        long every = Math.max(50, Math.min(1000, shortest / 4));
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Connections followed now (not upgraded, not closed). */
    int pending() {
        return tracked.size();
    }

    private void sweep() {
        long now = millis.getAsLong();
        for (Map.Entry<Connection<?>, Tracked> e : tracked.entrySet()) {
            if (now >= e.getValue().deadline) {
                Connection<?> connection = e.getKey();
                forget(connection);
                if (TyrusInternals.tyrusConnection(connection) == null) {
                    LOG.log(Level.DEBUG, "closing a connection from {0}: no complete request in time",
                            e.getValue().address);
                    connection.closeSilently();
                }
            }
        }
    }

    private void forget(Connection<?> connection) {
        Tracked t = tracked.remove(connection);
        if (t != null) {
            perAddress.computeIfPresent(t.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private long after(long ms) {
        return ms > 0 ? millis.getAsLong() + ms : Long.MAX_VALUE;
    }

    private static String address(Connection<?> connection) {
        return connection.getPeerAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(connection.getPeerAddress());
    }

    /** Right after the transport: accepts (the cap), the first byte of a later request, closes. */
    private final class Front extends BaseFilter {
        @Override
        public NextAction handleAccept(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            String address = address(connection);
            AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
            if (count.incrementAndGet() > maxPerAddress && maxPerAddress > 0) {
                perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
                LOG.log(Level.INFO, "refused a connection from {0}: more than {1} not upgraded from this address "
                        + "(maxPendingConnectionsPerAddress)", address, maxPerAddress);
                connection.closeSilently();
                return ctx.getStopAction();
            }
            tracked.put(connection, new Tracked(address, after(headerTimeoutMs)));
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Tracked t = tracked.get(ctx.getConnection());
            if (t != null && t.idle) {
                t.idle = false;
                t.deadline = after(headerTimeoutMs); // a new request began: its headers are due
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleClose(FilterChainContext ctx) throws IOException {
            forget(ctx.getConnection());
            return ctx.getInvokeAction();
        }
    }

    /** Right after the HTTP codec: complete request headers, and the end of each response. */
    private final class AfterCodec extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content
                    && content.getHttpHeader() instanceof HttpRequestPacket request
                    && request.getAttribute(SEEN) == null) {
                request.setAttribute(SEEN, Boolean.TRUE);
                Tracked t = tracked.get(ctx.getConnection());
                if (t != null) {
                    t.deadline = Long.MAX_VALUE; // being served
                }
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            HttpHeader header = message instanceof HttpPacket p ? p.getHttpHeader() : null;
            if (header instanceof HttpResponsePacket response) {
                if (response.getStatus() == 101) {
                    forget(ctx.getConnection()); // a WebSocket now: the heartbeat watches it
                } else if (message instanceof HttpContent content && content.isLast()
                        || message instanceof HttpResponsePacket && !response.isChunked()
                        && response.getContentLength() == 0) {
                    Tracked t = tracked.get(ctx.getConnection());
                    if (t != null) {
                        t.deadline = after(keepAliveMs);
                        t.idle = true;
                    }
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
