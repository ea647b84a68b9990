package dev.switchboard.web;

import dev.switchboard.core.Hub;
import jakarta.websocket.Session;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.function.IntPredicate;

/**
 * Undertow (WildFly) below the WebSocket API, for {@link ContainerInternals}: the session's {@code WebSocketChannel},
 * through public methods, and its receive listener.
 * <p>
 * The client's pings: Undertow's Jakarta frame handler ({@code io.undertow.websockets.jsr.FrameHandler}, an
 * {@code AbstractReceiveListener}) answers them itself. The channel calls its receive listener (an XNIO
 * {@code ChannelListener}, the interface) whenever a frame can be read; {@link ContainerInternals.Socket#watchPings}
 * puts a proxy of that interface in its place, which receives the frame as {@code AbstractReceiveListener.handleEvent}
 * does and hands it to the frame handler's method for its type, after asking the hub for a ping. A ping past the limit
 * is read and dropped unanswered: the connection is being closed for it. {@link ContainerInternals.Socket#terminate}
 * closes the channel, which ends the TCP connection.
 */
final class UndertowInternals {

    private static final String SESSION = "io.undertow.websockets.jsr.UndertowSession";
    private static final String RECEIVER = "io.undertow.websockets.core.AbstractReceiveListener";

    private UndertowInternals() {
    }

    /** The channel's socket, or null when {@code session} is not an Undertow session. */
    static ContainerInternals.Socket of(Session session) throws ReflectiveOperationException {
        if (!ContainerInternals.isA(session.getClass(), SESSION)) {
            return null;
        }
        Object channel = ContainerInternals.method(session, "getWebSocketChannel").invoke(session);
        if (channel == null) {
            return null;
        }
        Method isOpen = ContainerInternals.method(channel, "isOpen");
        Method close = ContainerInternals.method(channel, "close");
        return new ContainerInternals.EndsTcp(channel, close, isOpen, false) {
            @Override
            public void watchPings(IntPredicate admit) {
                try {
                    Object setter = ContainerInternals.method(channel, "getReceiveSetter").invoke(channel);
                    Object undertow = ContainerInternals.method(setter, "get").invoke(setter);
                    if (undertow == null || Proxy.isProxyClass(undertow.getClass())
                            || !ContainerInternals.isA(undertow.getClass(), RECEIVER)) {
                        return;
                    }
                    Object watching = Receiver.of(channel, undertow, admit);
                    Method set = setter.getClass().getMethod("set", watching.getClass().getInterfaces()[0]);
                    set.setAccessible(true);
                    set.invoke(setter, watching);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // another Undertow: its pings stay out of sight
                }
            }

            @Override
            public String describe() {
                return "Undertow " + channel;
            }
        };
    }

    /** The proxy of the channel's receive listener: {@code AbstractReceiveListener.handleEvent}, with the hub asked. */
    private record Receiver(Object undertow, IntPredicate admit, Method receive, Method type, Method read,
                            Method closeFrame, Method onError, Method onPing, Method onText, Method onBinary,
                            Method onPong, Method onClose) {

        static Object of(Object channel, Object undertow, IntPredicate admit) throws ReflectiveOperationException {
            ClassLoader loader = undertow.getClass().getClassLoader();
            Class<?> listenerType = loader.loadClass("org.xnio.ChannelListener");
            Class<?> receiverType = loader.loadClass(RECEIVER);
            Class<?> channelType = loader.loadClass("io.undertow.websockets.core.WebSocketChannel");
            Class<?> frameType = loader.loadClass("io.undertow.websockets.core.StreamSourceFrameChannel");
            Receiver r = new Receiver(undertow, admit, channelType.getMethod("receive"), frameType.getMethod("getType"),
                    frameType.getMethod("read", ByteBuffer.class), frameType.getMethod("close"),
                    handler(receiverType, "onError", channelType, Throwable.class),
                    handler(receiverType, "onPing", channelType, frameType),
                    handler(receiverType, "onText", channelType, frameType),
                    handler(receiverType, "onBinary", channelType, frameType),
                    handler(receiverType, "onPong", channelType, frameType),
                    handler(receiverType, "onClose", channelType, frameType));
            return Proxy.newProxyInstance(loader, new Class<?>[] {listenerType}, (proxy, m, args) -> {
                if ("handleEvent".equals(m.getName()) && args != null && args.length == 1) {
                    r.handleEvent(args[0]);
                    return null;
                }
                return switch (m.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "Switchboard's pings before " + undertow;
                    default -> ContainerInternals.forward(m, undertow, args);
                };
            });
        }

        private static Method handler(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
            Method m = type.getDeclaredMethod(name, parameters);
            m.setAccessible(true); // protected in AbstractReceiveListener; invoked on the frame handler (its overrides)
            return m;
        }

        void handleEvent(Object channel) throws Throwable {
            try {
                Object frame = receive.invoke(channel);
                if (frame == null) {
                    return;
                }
                Method on = switch (((Enum<?>) type.invoke(frame)).name()) {
                    case "PING" -> admitted(frame) ? onPing : null;
                    case "TEXT" -> onText;
                    case "BINARY" -> onBinary;
                    case "PONG" -> onPong;
                    case "CLOSE" -> onClose;
                    default -> null;
                };
                if (on != null) {
                    on.invoke(undertow, channel, frame);
                }
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof java.io.IOException io)) {
                    throw e.getCause();
                }
                onError.invoke(undertow, channel, io);
            }
        }

        /** Asks the hub; a refused ping is read to its end and dropped (a control frame: 125 bytes at most). */
        private boolean admitted(Object frame) throws ReflectiveOperationException {
            Object size = ContainerInternals.read(frame, "currentStreamSize");
            if (admit.test(Hub.pongBytes(size instanceof Long n ? n : 125))) {
                return true;
            }
            ByteBuffer payload = ByteBuffer.allocate(125);
            int n;
            do {
                payload.clear();
                n = (int) read.invoke(frame, payload);
            } while (n > 0);
            closeFrame.invoke(frame); // read whole: released; cut short (n == 0): the channel's reads end, as it closes
            return false;
        }
    }
}
