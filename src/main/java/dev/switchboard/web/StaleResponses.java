package dev.switchboard.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;

/**
 * Payara's Grizzly (4.0.2.payara-p2) can hand a request a response that an earlier connection left committed. When a
 * WebSocket ends, the thread that finishes its upgrade request recycles the request's packet and then its response's
 * packet, each only if the request "expects no more content"; the connection's close, finishing on another thread
 * when its output was still queued, clears that flag between the two. The response's packet then goes back to the
 * thread's pool unreset: committed, status 101, the old connection's headers. The next request parsed on that thread
 * gets it, writes no status line and no headers (Grizzly writes the headers of a committed response only once), and
 * its body or WebSocket frames reach the client raw: a lost 101, a client waiting for a handshake that never comes
 * (docs/reliability.md, "Payara: a 101 lost to a response packet left committed").
 *
 * <p>Such a packet is recognised when the request starts (a request listener runs before the context's valves and
 * filters, so before anything wrote to the response): the packet says committed while this request's own output
 * buffer has committed nothing. It is then reset as Grizzly resets a recycled one (its {@code reset()}), and given
 * back what Grizzly set on it for this request as it parsed it: the protocol, the security flag, the request, and
 * whether chunking is allowed. Without the last, Grizzly holds every byte a response flushes until it ends: a page
 * still arrives whole, but a WebSocket handshake gets its 101 and none of its frames (so it went on Payara before
 * that was restored; {@code it/StaleResponsesIT} makes such a packet in Payara and checks both). Registered by
 * {@link SwitchboardInitializer} in Payara and GlassFish only; reflection on the container's objects, in this class.
 */
final class StaleResponses implements ServletRequestListener {

    private static final Logger LOG = System.getLogger(StaleResponses.class.getName());

    /** The field of a request facade that holds the Catalina request: Payara's name, else GlassFish 7's. */
    private static final ClassValue<String> CATALINA = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> facade) {
            return ContainerInternals.declares(facade, "request") ? "request" : "catalinaConnectorReqest";
        }
    };

    /** The getter of a Catalina request for its Grizzly request: Payara's name, else GlassFish 7's. */
    private static final ClassValue<String> GRIZZLY = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> catalina) {
            try {
                catalina.getMethod("getCoyoteRequest");
                return "getCoyoteRequest";
            } catch (NoSuchMethodException e) {
                return "getGrizzlyRequest";
            }
        }
    };

    /** Whether {@code ctx} runs in a Grizzly-based container (Payara, GlassFish), where this listener is needed. */
    static boolean applies(ServletContext ctx) {
        String server = ctx.getServerInfo();
        return server != null && (server.contains("Payara") || server.contains("GlassFish"));
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (reset(event.getServletRequest())) {
            LOG.log(Level.WARNING, "a request came with a response left committed by an earlier connection: reset");
        }
    }

    /**
     * Resets the Grizzly response packet under {@code request} (the container's request facade) if it came committed
     * from an earlier connection; true if it did. False, and nothing changed, where the request is not a Payara or
     * GlassFish one, the packet is not committed, or this request has written to it.
     */
    static boolean reset(Object request) {
        try {
            Object grizzlyRequest = grizzlyRequest(request);
            Object grizzly = grizzlyRequest == null ? null : ContainerInternals.call(grizzlyRequest, "getResponse");
            Object packet = grizzly == null ? null : ContainerInternals.call(grizzly, "getResponse");
            if (packet == null || !Boolean.TRUE.equals(ContainerInternals.call(packet, "isCommitted"))
                    || writtenTo(grizzly)) {
                return false;
            }
            Object requestPacket = ContainerInternals.call(grizzlyRequest, "getRequest");
            Method reset = ContainerInternals.declaredMethod(packet.getClass(), "reset");
            Method setRequest = oneArgument(packet.getClass(), "setRequest");
            if (requestPacket == null || reset == null || setRequest == null) {
                return false;
            }
            Class<?> protocol = Class.forName("org.glassfish.grizzly.http.Protocol", false,
                    packet.getClass().getClassLoader());
            Object http11 = protocol.getField("HTTP_1_1").get(null);
            Object secure = ContainerInternals.call(requestPacket, "isSecure");
            Object chunking = ContainerInternals.call(packet, "isChunkingAllowed"); // set as the request was parsed
            reset.invoke(packet);
            packet.getClass().getMethod("setProtocol", protocol).invoke(packet, http11);
            packet.getClass().getMethod("setSecure", boolean.class).invoke(packet, secure);
            packet.getClass().getMethod("setChunkingAllowed", boolean.class).invoke(packet, chunking);
            setRequest.invoke(packet, requestPacket);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * The Grizzly request under a servlet request (the container's request facade): Payara's facade holds its Catalina
     * request in {@code request} and gives the Grizzly one by {@code getCoyoteRequest()}, GlassFish 7's in
     * {@code catalinaConnectorReqest} (so spelt) by {@code getGrizzlyRequest()}. Null where there is none.
     */
    static Object grizzlyRequest(Object facade) throws ReflectiveOperationException {
        Object catalina = facade == null ? null : ContainerInternals.read(facade, CATALINA.get(facade.getClass()));
        return catalina == null ? null : ContainerInternals.call(catalina, GRIZZLY.get(catalina.getClass()));
    }

    /** Whether this request's output buffer has committed or written headers (then the packet is this request's). */
    private static boolean writtenTo(Object grizzlyResponse) throws ReflectiveOperationException {
        Object output = ContainerInternals.read(grizzlyResponse, "outputBuffer");
        return output == null || Boolean.TRUE.equals(ContainerInternals.read(output, "committed"))
                || Boolean.TRUE.equals(ContainerInternals.read(output, "headersWritten"));
    }

    private static Method oneArgument(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        return null;
    }
}
