package dev.switchboard.web;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Test only, added to the WAR by {@code it/StaleResponsesIT}: a request with the header {@value #HEADER} gets its
 * Grizzly response packet in the state Payara's race leaves in a pooled one (docs/reliability.md, "Payara: a 101 lost
 * to a response packet left committed"): committed, status 101, an earlier connection's upgrade headers. Declared in
 * the WAR, it runs before the listeners that {@link SwitchboardInitializer} adds, as the race runs before them all.
 */
@WebListener
public class StalePackets implements ServletRequestListener {

    static final String HEADER = "X-Test-Stale-Packet";

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (!(event.getServletRequest() instanceof HttpServletRequest request) || request.getHeader(HEADER) == null) {
            return;
        }
        try {
            Object catalina = ContainerInternals.read(request, "request");
            Object grizzly = ContainerInternals.call(ContainerInternals.call(catalina, "getCoyoteRequest"), "getResponse");
            Object packet = ContainerInternals.call(grizzly, "getResponse");
            Class<?> type = packet.getClass();
            type.getMethod("setStatus", int.class).invoke(packet, 101);
            type.getMethod("setHeader", String.class, String.class).invoke(packet, "Upgrade", "websocket");
            type.getMethod("setHeader", String.class, String.class).invoke(packet, "Connection", "Upgrade");
            type.getMethod("setHeader", String.class, String.class)
                    .invoke(packet, "Sec-WebSocket-Accept", "an-earlier-connection-s");
            type.getMethod("setIgnoreContentModifiers", boolean.class).invoke(packet, true);
            type.getMethod("setCommitted", boolean.class).invoke(packet, true);
            request.setAttribute(HEADER, Boolean.TRUE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("not a Grizzly request of Payara's shape", e);
        }
    }
}
