package dev.switchboard.web;

import dev.switchboard.core.Hub;
import jakarta.websocket.Session;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntPredicate;

/**
 * Jetty (12, ee10/ee11) below the WebSocket API, for {@link ContainerInternals}: the session's {@code CoreSession},
 * through its public methods. Jetty's {@code RemoteEndpoint.sendPing} and {@code Session.close} block until the frame
 * is written, with no bound while the idle timeout is off (as ours is): a client that floods pings and does not read
 * would hold the heartbeat's thread for good. Here a ping and a close are handed to the core session without waiting
 * ({@code sendFrame}, {@code close} with a no-op callback), and {@link ContainerInternals.Socket#terminate} aborts the
 * connection.
 * <p>
 * The client's pings: Jetty's Jakarta frame handler answers them itself ({@code JakartaWebSocketFrameHandler.onPing}).
 * The core session hands every frame to its {@code handler} (a field typed by the interface {@code FrameHandler});
 * {@link ContainerInternals.Socket#watchPings} puts a proxy of that interface in its place, which asks the hub before
 * a ping goes on. A ping past the limit is released unanswered and no more frames are asked for: the connection is
 * being closed for it, and is aborted if the client does not answer (it is no longer read).
 */
final class JettyInternals {

    private static final byte PING = 0x9;

    private JettyInternals() {
    }

    /** The core session's socket, or null when {@code session} is not a Jetty session with one. */
    static ContainerInternals.Socket of(Session session) throws ReflectiveOperationException {
        Method getCore;
        try {
            getCore = session.getClass().getMethod("getCoreSession");
        } catch (NoSuchMethodException e) {
            return null;
        }
        Object core = getCore.invoke(session);
        if (core == null) {
            return null;
        }
        ClassLoader loader = core.getClass().getClassLoader();
        Class<?> coreType = loader.loadClass("org.eclipse.jetty.websocket.core.CoreSession");
        Class<?> frameType = loader.loadClass("org.eclipse.jetty.websocket.core.Frame");
        Class<?> callbackType = loader.loadClass("org.eclipse.jetty.util.Callback");
        Object noop = callbackType.getField("NOOP").get(null);
        Constructor<?> frame = frameType.getConstructor(byte.class);
        Method sendFrame = coreType.getMethod("sendFrame", frameType, callbackType, boolean.class);
        Method close = coreType.getMethod("close", int.class, String.class, callbackType);
        Method abort = coreType.getMethod("abort");
        Method isOutputOpen = coreType.getMethod("isOutputOpen");
        Method isClosed = coreType.getMethod("isClosed");
        Class<?> handlerType = loader.loadClass("org.eclipse.jetty.websocket.core.FrameHandler");
        Method opCode = frameType.getMethod("getOpCode");
        Method payloadLength = frameType.getMethod("getPayloadLength");
        Method succeeded = callbackType.getMethod("succeeded");
        return new ContainerInternals.EndsTcp(core, abort, isClosed, true) {
            @Override
            public boolean closing() {
                return !(boolean) ContainerInternals.callOr(isOutputOpen, core, Boolean.TRUE);
            }

            @Override
            public boolean ping() {
                try {
                    sendFrame.invoke(core, frame.newInstance(PING), noop, false);
                    return true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }

            @Override
            public boolean close(int code, String reason) {
                try {
                    close.invoke(core, code, reason, noop);
                    return true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }

            @Override
            public void watchPings(IntPredicate admit) {
                try {
                    Object jetty = ContainerInternals.read(core, "handler");
                    if (!handlerType.isInstance(jetty) || Proxy.isProxyClass(jetty.getClass())) {
                        return;
                    }
                    Object watching = Proxy.newProxyInstance(loader, new Class<?>[] {handlerType}, (proxy, m, args) -> {
                        if ("onFrame".equals(m.getName()) && args != null && args.length == 2
                                && (byte) opCode.invoke(args[0]) == PING
                                && !admit.test(Hub.pongBytes((int) payloadLength.invoke(args[0])))) {
                            succeeded.invoke(args[1]); // released; no demand: nothing more is read
                            return null;
                        }
                        return ContainerInternals.forward(m, jetty, args);
                    });
                    ContainerInternals.write(core, "handler", watching);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // another Jetty: its pings stay out of sight
                }
            }

            @Override
            public String describe() {
                return "Jetty " + core;
            }
        };
    }
}
