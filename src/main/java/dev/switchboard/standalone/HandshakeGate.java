package dev.switchboard.standalone;

import dev.switchboard.auth.Admission;
import dev.switchboard.Switchboard;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Parameters;
import org.glassfish.grizzly.memory.Buffers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The runner's twin of the servlet {@code HandshakeFilter}: a Grizzly filter placed just before Tyrus's upgrade
 * filter that answers a handshake from a foreign Origin with 403 and closes the connection, so the socket is never
 * opened.
 */
final class HandshakeGate extends BaseFilter {

    private final Switchboard switchboard;

    HandshakeGate(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    /** Installs the gate in front of the WebSocket filter; register after Tyrus's add-on. */
    static AddOn addOn(Switchboard switchboard) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int at;
                try {
                    at = builder.indexOfType(Class.forName(
                            "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter").asSubclass(Filter.class));
                } catch (ClassNotFoundException e) {
                    at = -1;
                }
                if (at < 0) {
                    throw new IllegalStateException("Tyrus's WebSocket filter is not installed");
                }
                builder.add(at, new HandshakeGate(switchboard));
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            return ctx.getInvokeAction();
        }
        Parameters query = new Parameters();
        query.setQuery(request.getQueryStringDC());
        query.setQueryStringEncoding(StandardCharsets.UTF_8);
        query.handleQueryParameters();
        Admission.Decision decision = switchboard.admission().decide(request.getHeader("Origin"),
                request.getHeader("Host"), null, query.getParameter("token"), query.getParameter("name"),
                query.getParameter("guest"));
        if (decision.status() != 403) {
            return ctx.getInvokeAction(); // admitted, or an auth failure: closed with 4401 after the upgrade
        }
        switchboard.stats().connectionsRefused.increment();
        System.getLogger(HandshakeGate.class.getName()).log(System.Logger.Level.INFO,
                "refused handshake from {0} (origin {1}): {2}", request.getRemoteAddress(),
                request.getHeader("Origin"), decision.reason());
        byte[] body = ("{\"error\":\"forbidden\",\"message\":\"" + decision.reason() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setStatus(decision.status());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        ctx.write(HttpContent.builder(response)
                .content(Buffers.wrap(ctx.getMemoryManager(), body))
                .last(true)
                .build());
        ctx.getConnection().closeSilently();
        return ctx.getStopAction();
    }
}
