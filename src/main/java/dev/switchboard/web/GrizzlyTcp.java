package dev.switchboard.web;

import java.lang.reflect.Method;

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
