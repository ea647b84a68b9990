package dev.switchboard.standalone;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.Writer;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the runner takes from Tyrus (2.1.x) and Grizzly that they do not offer as API, in one place, each with
 * what the runner does where a version differs:
 * <ul>
 * <li>{@link #webSocketAddOn}: Tyrus's Grizzly add-on, whose constructor is package-private (TYRUS-317). Without it
 *     the runner cannot serve WebSocket: it fails to start, saying so.</li>
 * <li>{@link #webSocketFilter}: the class of Tyrus's WebSocket filter ({@code GrizzlyServerFilter}, package-private),
 *     next to which the handshake gate and {@link UpgradedConnections} are placed. Missing: the runner fails to
 *     start, saying so.</li>
 * <li>{@link #grizzlyConnection}: the Grizzly connection under Tyrus's writer ({@code GrizzlyWriter.connection}),
 *     so that message frames can skip the filter chain ({@link DirectWriter}). Missing: null, and message frames go
 *     through Tyrus's writer and the whole chain, as Tyrus's own frames do.</li>
 * <li>{@link #tyrusConnection}, {@link #taskProcessor}: the Grizzly attributes in which Tyrus's filter keeps an
 *     upgraded connection's WebSocket and its task queue, found by name; and {@link #dropHttpRequest}, the attribute
 *     in which Grizzly's HTTP codec keeps the request in progress. Named otherwise: null and false, and
 *     {@link UpgradedConnections} drops and bypasses nothing (connections keep their request, as without it).</li>
 * </ul>
 * {@link #missing()} names what this Tyrus lacks; the runner logs it when it starts.
 */
final class TyrusInternals {

    private static final String FILTER = "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter";
    private static final String WRITER = "org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter";

    private static final Constructor<WebSocketAddOn> ADD_ON =
            constructor(WebSocketAddOn.class, ServerContainer.class, String.class);
    private static final Class<? extends Filter> FILTER_CLASS = type(FILTER, Filter.class);
    private static final Field WRITER_CONNECTION = field(WRITER, "connection");

    /** Tyrus's WebSocket connection of a Grizzly connection (set by its filter when the handshake succeeds). */
    private static final Attribute<org.glassfish.tyrus.spi.Connection> TYRUS_CONNECTION =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FILTER + ".Connection");
    /** Tyrus's per-connection task queue: reads and the close task run through it, one at a time, in order. */
    private static final Attribute<TaskProcessor> TASK_PROCESSOR =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(TaskProcessor.class.getName() + ".TaskProcessor");
    /** The HTTP codec's request in progress on a connection. */
    private static final Attribute<Object> HTTP_REQUEST =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);

    private TyrusInternals() {
    }

    /** Tyrus's add-on that upgrades requests to WebSocket on {@code container}, at the root context. */
    static WebSocketAddOn webSocketAddOn(ServerContainer container) throws IOException {
        if (ADD_ON == null) {
            throw new IOException("incompatible Tyrus version: no WebSocketAddOn(ServerContainer, String)");
        }
        try {
            return ADD_ON.newInstance(container, "");
        } catch (ReflectiveOperationException e) {
            throw new IOException("incompatible Tyrus version: " + e, e);
        }
    }

    /** The class of Tyrus's WebSocket filter in a Grizzly filter chain. */
    static Class<? extends Filter> webSocketFilter() {
        if (FILTER_CLASS == null) {
            throw new IllegalStateException("incompatible Tyrus version: no " + FILTER);
        }
        return FILTER_CLASS;
    }

    /** The Grizzly connection under Tyrus's writer, or null when it cannot be found (another writer or Tyrus). */
    static Connection<?> grizzlyConnection(Writer writer) {
        return WRITER_CONNECTION != null && WRITER_CONNECTION.getDeclaringClass().isInstance(writer)
                && read(WRITER_CONNECTION, writer) instanceof Connection<?> c ? c : null;
    }

    /** Tyrus's WebSocket connection on this Grizzly connection; null before the upgrade (or in another Tyrus). */
    static org.glassfish.tyrus.spi.Connection tyrusConnection(Connection<?> connection) {
        return TYRUS_CONNECTION.get(connection);
    }

    /** Tyrus's task queue of this Grizzly connection; null before the upgrade (or in another Tyrus). */
    static TaskProcessor taskProcessor(Connection<?> connection) {
        return TASK_PROCESSOR.get(connection);
    }

    /** Removes the HTTP codec's request in progress from the connection; true when there was one. */
    static boolean dropHttpRequest(Connection<?> connection) {
        return HTTP_REQUEST.remove(connection) != null;
    }

    /** What this Tyrus lacks of the above (empty: everything was found). */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (ADD_ON == null) {
            missing.add("WebSocketAddOn(ServerContainer, String)");
        }
        if (FILTER_CLASS == null) {
            missing.add(FILTER);
        }
        if (WRITER_CONNECTION == null) {
            missing.add(WRITER + ".connection");
        }
        return missing;
    }

    // ----------------------------------------------------------------------------- lookups: null when not found

    static <T> Constructor<T> constructor(Class<T> type, Class<?>... parameters) {
        try {
            Constructor<T> c = type.getDeclaredConstructor(parameters);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static <T> Class<? extends T> type(String name, Class<T> supertype) {
        try {
            return Class.forName(name, false, TyrusInternals.class.getClassLoader()).asSubclass(supertype);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    static Field field(String className, String name) {
        try {
            Field f = Class.forName(className, false, TyrusInternals.class.getClassLoader()).getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }
}
