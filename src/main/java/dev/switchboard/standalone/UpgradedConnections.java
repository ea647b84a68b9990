package dev.switchboard.standalone;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.ByteBufferArray;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.spi.ReadHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets an upgraded connection forget the HTTP request that opened it. Grizzly's HTTP codec
 * ({@link HttpServerFilter}) treats everything after an upgrade as the body of the upgrade request: it keeps that
 * request, with its parsed headers, its response and their buffers (~11 KB), in an attribute of the connection for
 * as long as the connection lives, and runs every WebSocket read through the HTTP filters as content of it. That was
 * more than half of the heap an idle WebSocket connection costs on the runner.
 * <p>
 * Two filters change that. The one in Tyrus's place wraps Tyrus's own WebSocket filter: once Tyrus has taken a
 * connection over (its handshake succeeded), it removes the codec's request from the connection. The one in front
 * of the codec hands every later read of such a connection to Tyrus exactly as Tyrus's filter would (through the
 * connection's {@link TaskProcessor}, which orders reads with Tyrus's close task), so the HTTP filters never see it
 * again and the codec does not start a new request. Writes and closes still pass through the whole chain as before
 * (the codec passes non-HTTP messages on; with no request in progress its close handling has nothing to do; Tyrus's
 * filter closes the WebSocket).
 * <p>
 * Tyrus keeps its connection and task processor in Grizzly attributes named after its filter's classes (tyrus
 * 2.1.x, {@code GrizzlyServerFilter}); {@link TyrusInternals} finds them by name. Should a Tyrus version name them
 * otherwise, nothing is removed and nothing bypassed: connections then work as before, with the request kept
 * ({@link #released()} stays 0; {@code UpgradedConnectionsTest} checks that this Tyrus releases every one).
 * <p>
 * The bypass also skips Grizzly's {@code IdleTimeoutFilter} on reads of upgraded connections; its keep-alive
 * timeout is off on the runner (-1), so there is no timer for reads to reset.
 */
final class UpgradedConnections {

    private final LongAdder released = new LongAdder();

    /** Upgraded connections whose HTTP request was dropped, since the start. */
    long released() {
        return released.sum();
    }

    /** Installs both filters; register after Tyrus's add-on and after {@link HandshakeGate}'s. */
    AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int tyrus = builder.indexOfType(TyrusInternals.webSocketFilter());
                int codec = builder.indexOfType(HttpServerFilter.class);
                if (tyrus < 0 || codec < 0 || codec > tyrus) {
                    throw new IllegalStateException("unexpected filter chain: Tyrus's WebSocket filter or the HTTP "
                            + "codec is missing");
                }
                builder.set(tyrus, new Releasing(builder.get(tyrus)));
                builder.add(codec, new Bypass());
            }
        };
    }

    static boolean upgraded(Connection<?> connection) {
        return TyrusInternals.tyrusConnection(connection) != null && TyrusInternals.taskProcessor(connection) != null;
    }

    /** In front of the HTTP codec: reads of an upgraded connection go straight to Tyrus. */
    private static final class Bypass extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            org.glassfish.tyrus.spi.Connection tyrus = TyrusInternals.tyrusConnection(connection);
            TaskProcessor tasks = TyrusInternals.taskProcessor(connection);
            if (tyrus == null || tasks == null) {
                return ctx.getInvokeAction(); // HTTP, or the upgrade request itself
            }
            // as Tyrus's GrizzlyServerFilter does with the content of an upgraded request
            Buffer buffer = ctx.getMessage();
            if (buffer.hasRemaining()) {
                ReadHandler reader = tyrus.getReadHandler();
                if (!buffer.isComposite()) {
                    tasks.processTask(new Read(buffer.toByteBuffer(), reader));
                } else {
                    ByteBufferArray array = buffer.toByteBufferArray();
                    ByteBuffer[] buffers = array.getArray();
                    for (int i = 0; i < array.size(); i++) {
                        tasks.processTask(new Read(buffers[i], reader));
                    }
                    array.recycle();
                }
            }
            return ctx.getStopAction();
        }
    }

    private static final class Read extends TaskProcessor.Task {
        private final ByteBuffer data;
        private final ReadHandler reader;

        Read(ByteBuffer data, ReadHandler reader) {
            this.data = data;
            this.reader = reader;
        }

        @Override
        public void execute() {
            reader.handle(data);
        }
    }

    /** Tyrus's WebSocket filter; after a successful handshake the codec's request is removed from the connection. */
    private final class Releasing implements Filter {
        private final Filter tyrus;

        Releasing(Filter tyrus) {
            this.tyrus = tyrus;
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            boolean before = upgraded(connection);
            NextAction next = tyrus.handleRead(ctx);
            if (!before && upgraded(connection) && TyrusInternals.dropHttpRequest(connection)) {
                released.increment();
            }
            return next;
        }

        @Override
        public void onAdded(FilterChain filterChain) {
            tyrus.onAdded(filterChain);
        }

        @Override
        public void onRemoved(FilterChain filterChain) {
            tyrus.onRemoved(filterChain);
        }

        @Override
        public void onFilterChainChanged(FilterChain filterChain) {
            tyrus.onFilterChainChanged(filterChain);
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            return tyrus.handleWrite(ctx);
        }

        @Override
        public NextAction handleConnect(FilterChainContext ctx) throws IOException {
            return tyrus.handleConnect(ctx);
        }

        @Override
        public NextAction handleAccept(FilterChainContext ctx) throws IOException {
            return tyrus.handleAccept(ctx);
        }

        @Override
        public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
            return tyrus.handleEvent(ctx, event);
        }

        @Override
        public NextAction handleClose(FilterChainContext ctx) throws IOException {
            return tyrus.handleClose(ctx);
        }

        @Override
        public void exceptionOccurred(FilterChainContext ctx, Throwable error) {
            tyrus.exceptionOccurred(ctx, error);
        }

        @Override
        public String toString() {
            return "Releasing(" + tyrus + ")";
        }
    }
}
