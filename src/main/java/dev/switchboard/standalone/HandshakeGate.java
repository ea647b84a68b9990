package dev.switchboard.standalone;

import dev.switchboard.auth.Admission;
import dev.switchboard.web.Handshake;
import dev.switchboard.web.Handshakes;
import org.glassfish.grizzly.filterchain.BaseFilter;
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
 * filter that decides every handshake once. A foreign Origin is answered with 403 and the connection closed, so the
 * socket is never opened. Any other decision is held ({@link Handshakes}) with the client's address and an empty
 * {@link WriterSlot} for the connection's writer, and its id replaces whatever {@value Handshakes#HEADER} header the
 * client sent; Tyrus copies the request's headers into the request the configurator and {@link RunnerEngine} see.
 */
final class HandshakeGate extends BaseFilter {

    /**
     * Marks a request already decided: where reads after the upgrade still pass the HTTP codec (the request is not
     * dropped, see {@link UpgradedConnections}) they come as more content of the same request.
     */
    private static final String DECIDED = HandshakeGate.class.getName() + ".decided";

    private final Handshakes handshakes;

    HandshakeGate(Handshakes handshakes) {
        this.handshakes = handshakes;
    }

    /** Installs the gate in front of the WebSocket filter; register after Tyrus's add-on. */
    static AddOn addOn(Handshakes handshakes) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int at = builder.indexOfType(TyrusInternals.webSocketFilter());
                if (at < 0) {
                    throw new IllegalStateException("Tyrus's WebSocket filter is not installed");
                }
                builder.add(at, new HandshakeGate(handshakes));
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
                || request.getAttribute(DECIDED) != null) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(DECIDED, Boolean.TRUE);
        Parameters query = new Parameters();
        query.setQuery(request.getQueryStringDC());
        query.setQueryStringEncoding(StandardCharsets.UTF_8);
        query.handleQueryParameters();
        String origin = request.getHeader("Origin");
        String address = handshakes.address(request.getRemoteAddress(),
                request.getHeaders().values("X-Forwarded-For"));
        Admission.Decision decision = handshakes.decide(origin, request.getHeader("Host"), null, query::getParameter);
        if (decision.status() != 403) { // admitted, or an auth failure: closed with 4401 after the upgrade
            String id = handshakes.hold(new Handshake(decision, address, null, new WriterSlot()));
            request.getHeaders().removeHeader(Handshakes.HEADER);
            if (id != null) {
                request.addHeader(Handshakes.HEADER, id);
            }
            return ctx.getInvokeAction();
        }
        byte[] body = handshakes.refused(address, origin, decision);
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
