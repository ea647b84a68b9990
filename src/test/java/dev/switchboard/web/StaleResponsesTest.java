package dev.switchboard.web;

import dev.switchboard.testing.RedisServer;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StaleResponses} on Grizzly's own request and response (the Grizzly of the runner, 4.0.2, whose packets are
 * Payara's), reached through objects of the shape of Payara's request facade and Catalina request. A response packet
 * left as an earlier connection's upgrade leaves it (committed, 101, its headers) loses the status line and headers
 * of the request that gets it; reset, the request answers as a fresh one. Payara itself: {@code CloseCodeLoopIT}.
 */
class StaleResponsesTest {

    /** Payara's {@code RequestFacade}: the Catalina request in the field {@code request}. */
    static final class Facade {
        final Object request;

        Facade(Object request) {
            this.request = request;
        }
    }

    /** Payara's Catalina {@code Request}: the Grizzly request by {@code getCoyoteRequest()}. */
    public static final class Catalina {
        private final Request coyote;

        Catalina(Request coyote) {
            this.coyote = coyote;
        }

        public Request getCoyoteRequest() {
            return coyote;
        }
    }

    /** GlassFish 7's {@code RequestFacade}: the Catalina request in the field {@code catalinaConnectorReqest} (sic). */
    static final class GlassFishFacade {
        final Object catalinaConnectorReqest;

        GlassFishFacade(Object request) {
            this.catalinaConnectorReqest = request;
        }
    }

    /** GlassFish 7's Catalina {@code Request}: the Grizzly request by {@code getGrizzlyRequest()}. */
    public static final class GlassFishCatalina {
        private final Request grizzly;

        GlassFishCatalina(Request grizzly) {
            this.grizzly = grizzly;
        }

        public Request getGrizzlyRequest() {
            return grizzly;
        }
    }

    private HttpServer server;
    private int port;
    private final AtomicReference<Boolean> reset = new AtomicReference<>();
    private volatile boolean stale;
    private volatile boolean repair;
    private volatile boolean glassFish;
    /** Set: the handler flushes a first part and waits until the client has read it before it writes the rest. */
    private volatile CountDownLatch partRead;
    private final AtomicReference<Boolean> partArrivedEarly = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        port = RedisServer.freePort();
        server = HttpServer.createSimpleServer(null, "127.0.0.1", port);
        server.getServerConfiguration().addHttpHandler(new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                if (stale) { // what the upgrade of an earlier connection left in the pooled packet
                    HttpResponsePacket packet = response.getResponse();
                    packet.setStatus(101);
                    packet.setHeader("Upgrade", "websocket");
                    packet.setHeader("Sec-WebSocket-Accept", "an-earlier-connection-s");
                    packet.setCommitted(true);
                }
                if (repair) {
                    reset.set(StaleResponses.reset(glassFish ? new GlassFishFacade(new GlassFishCatalina(request))
                            : new Facade(new Catalina(request))));
                }
                response.setContentType("text/plain");
                if (partRead != null) {
                    response.getWriter().write("first part;");
                    response.getWriter().flush();
                    partArrivedEarly.set(partRead.await(5, TimeUnit.SECONDS));
                }
                response.getWriter().write("fresh");
            }
        }, "/");
        server.start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void aResponseLeftCommittedLosesItsStatusLineAndHeaders() throws IOException {
        stale = true;
        String answer = get();
        assertFalse(answer.startsWith("HTTP/1.1"), "what Payara's clients saw: no status line: " + answer);
        assertTrue(answer.contains("fresh"), answer);
    }

    @Test
    void resetItAnswersAsAFreshResponse() throws IOException {
        stale = true;
        repair = true;
        String answer = get();
        assertEquals(Boolean.TRUE, reset.get());
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("Content-Type: text/plain"), answer);
        assertFalse(answer.contains("an-earlier-connection-s") || answer.contains("Upgrade"), answer);
        assertTrue(answer.endsWith("\r\n\r\nfresh") || answer.endsWith("fresh\r\n0\r\n\r\n"), answer);
    }

    @Test
    void glassFishsRequestIsReachedToo() throws IOException {
        stale = true;
        repair = true;
        glassFish = true;
        String answer = get();
        assertEquals(Boolean.TRUE, reset.get());
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    }

    /**
     * What a WebSocket needs of its upgrade's response: what it flushes reaches the client while it is still open. A
     * reset that left chunking off (Grizzly sets it as it parses the request) made Grizzly hold every flushed byte
     * until the response ended: a handshake got its 101 and none of its frames (seen on Payara, StaleResponsesIT).
     */
    @Test
    void resetItSendsWhatItFlushesAtOnce() throws IOException {
        stale = true;
        repair = true;
        partRead = new CountDownLatch(1);
        String answer = get();
        assertEquals(Boolean.TRUE, reset.get());
        assertEquals(Boolean.TRUE, partArrivedEarly.get(),
                "the flushed part reached the client before the end: " + answer);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    }

    @Test
    void aFreshResponseIsLeftAlone() throws IOException {
        repair = true;
        String answer = get();
        assertEquals(Boolean.FALSE, reset.get());
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    }

    /** One GET on a raw socket, the whole answer as sent (the connection closes after it). */
    private String get() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                if (partRead != null && answer.indexOf("first part;") >= 0) {
                    partRead.countDown();
                }
            }
            return answer.toString();
        }
    }
}
