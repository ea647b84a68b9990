package dev.switchboard.standalone;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Answers malformed requests with 400 before anything else reads them, on the runner. Grizzly answers a request
 * whose path is not valid URL encoding ({@code /x%zz}) with 500, and Tyrus a handshake without a valid
 * {@code Sec-WebSocket-Key} likewise: a client's mistake must not look like a server failure (nor fill logs as one).
 * A WebSocket handshake of another version gets 426 with the version this server speaks (RFC 6455, 4.4).
 * Placed in front of the handshake gate, so it sees every request, upgrades included, once.
 */
final class RequestChecks extends BaseFilter {

    private static final String CHECKED = RequestChecks.class.getName() + ".checked";

    /** Installs the checks in front of the WebSocket filter (and the gate); register after Tyrus's add-on. */
    static AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int at = builder.indexOfType(TyrusInternals.webSocketFilter());
                if (at < 0) {
                    throw new IllegalStateException("Tyrus's WebSocket filter is not installed");
                }
                builder.add(at, new RequestChecks());
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || request.getAttribute(CHECKED) != null) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(CHECKED, Boolean.TRUE);
        try {
            request.getRequestURIRef().getDecodedRequestURIBC(false, StandardCharsets.UTF_8);
        } catch (CharConversionException | RuntimeException e) {
            return refuse(ctx, request, 400, "the request path is not valid URL encoding", null);
        }
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
                return refuse(ctx, request, 426, "WebSocket version 13 only", "13");
            }
            if (!validKey(request.getHeader("Sec-WebSocket-Key"))) {
                return refuse(ctx, request, 400, "a WebSocket handshake needs a Sec-WebSocket-Key (16 bytes, base64)",
                        null);
            }
        }
        return ctx.getInvokeAction();
    }

    private static boolean validKey(String key) {
        try {
            return key != null && Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static NextAction refuse(FilterChainContext ctx, HttpRequestPacket request, int status, String message,
                                     String version) {
        byte[] body = ("{\"error\":\"bad_request\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        if (version != null) {
            response.setHeader("Sec-WebSocket-Version", version);
        }
        ctx.write(HttpContent.builder(response).content(Buffers.wrap(ctx.getMemoryManager(), body)).last(true).build());
        ctx.getConnection().closeSilently();
        return ctx.getStopAction();
    }
}
