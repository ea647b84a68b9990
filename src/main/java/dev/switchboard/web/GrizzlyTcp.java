package dev.switchboard.web;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A Grizzly connection ({@code org.glassfish.grizzly.Connection}), by its public methods. */
final class GrizzlyTcp {
    private final Object connection;
    private final Method terminate;
    private final Method isOpen;
    /** The connection's asynchronous write queue (one per connection) and its byte count; null if not found. */
    private final Object writeQueue;
    private final Method queuedBytes;

    GrizzlyTcp(Object connection) throws ReflectiveOperationException {
        this.connection = connection;
        this.terminate = ContainerInternals.method(connection, "terminateSilently");
        this.isOpen = ContainerInternals.method(connection, "isOpen");
        Object queue = null;
        Method bytes = null;
        try {
            queue = ContainerInternals.call(connection, "getAsyncWriteQueue");
            bytes = queue == null ? null : ContainerInternals.method(queue, "spaceInBytes");
        } catch (ReflectiveOperationException | RuntimeException e) {
            queue = null;
        }
        this.writeQueue = queue;
        this.queuedBytes = bytes;
    }

    /** Counted down by Grizzly's close listener ({@link #awaitClosed}); registered once, on the first wait. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean listening; // guarded by this
    private boolean heard; // guarded by this: the listener is registered

    /**
     * Waits until the connection has closed, or until {@code deadlineNanos}; at once where no close listener could be
     * registered ({@code Connection.addCloseListener(CloseListener)}, by a proxy of Grizzly's interface).
     */
    void awaitClosed(long deadlineNanos) throws InterruptedException {
        if (!listen() || !open()) {
            return;
        }
        closed.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private synchronized boolean listen() {
        if (!listening) {
            listening = true;
            for (Method add : connection.getClass().getMethods()) {
                Class<?>[] types = add.getParameterTypes();
                if (add.getName().equals("addCloseListener") && types.length == 1
                        && types[0].getName().equals("org.glassfish.grizzly.CloseListener")) {
                    try {
                        add.setAccessible(true);
                        add.invoke(connection, Proxy.newProxyInstance(types[0].getClassLoader(),
                                new Class<?>[] {types[0]}, (proxy, method, args) -> switch (method.getName()) {
                                    case "equals" -> proxy == args[0];
                                    case "hashCode" -> System.identityHashCode(proxy);
                                    case "toString" -> "switchboard close listener";
                                    default -> {
                                        closed.countDown(); // onClosed
                                        yield null;
                                    }
                                }));
                        heard = true;
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        heard = false;
                    }
                    break;
                }
            }
        }
        return heard;
    }

    boolean terminate() {
        try {
            terminate.invoke(connection);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    boolean open() {
        try {
            return !(isOpen.invoke(connection) instanceof Boolean b) || b;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /** Bytes in Grizzly's asynchronous write queue ({@code TaskQueue.spaceInBytes()}: an atomic counter). */
    long pendingBytes() {
        try {
            return queuedBytes != null && queuedBytes.invoke(writeQueue) instanceof Number n ? n.longValue() : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }
}
