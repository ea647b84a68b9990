package dev.switchboard.testing;

import dev.switchboard.auth.Authenticator;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A protocol-speaking test client on the JDK's {@link java.net.http.WebSocket} (neutral: not the server's own
 * codec). It reassembles partial text frames, splits every server frame on {@code \n}, parses each object with
 * JSON-P and queues it; tests await frames with timeouts, never sleeps.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile String closeReason;
    /** What ended the connection when it was not a close frame (onError), for failure messages. */
    private volatile Throwable error;
    private volatile boolean paused;
    private volatile long received;
    private WebSocket socket;
    private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
    /** The {@code welcome} frame, taken off the queue by {@link #connect}. */
    private JsonObject welcome;

    private WsClient() {
    }

    /** Connects with the {@code switchboard.v1} subprotocol and waits for {@code welcome}. */
    public static WsClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        return connect(HTTP, uri, headers);
    }

    /** Through the given client (e.g. one whose SSLContext trusts a test certificate, for wss://). */
    public static WsClient connect(HttpClient http, URI uri, Map<String, String> headers) {
        WsClient client = open(http, uri, headers);
        client.welcome = client.next();
        assertEquals("welcome", client.welcome.getString("type"), "first frame");
        return client;
    }

    /** Connects as {@code user} with a token signed by {@code secret} (valid for ten minutes) and waits for {@code welcome}. */
    public static WsClient withToken(URI endpoint, String secret, String user) {
        return connect(URI.create(endpoint + (endpoint.getQuery() == null ? "?" : "&") + "token="
                + Authenticator.sign(secret, user, Instant.now().plusSeconds(600))));
    }

    /** Connects without waiting for any frame (for refusals and close tests). */
    public static WsClient open(URI uri, Map<String, String> headers) {
        return open(HTTP, uri, headers);
    }

    private static WsClient open(HttpClient http, URI uri, Map<String, String> headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT).subprotocols("switchboard.v1");
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(uri, client.new Listener()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot connect to " + uri + ": " + e, e);
        }
        return client;
    }

    /** The HTTP status of a refused handshake, or 101 when it was accepted. */
    public static int handshakeStatus(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        try {
            WebSocket ws = builder.buildAsync(uri, new WebSocket.Listener() {}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw new AssertionError(e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    public JsonObject welcome() {
        return welcome;
    }

    public String user() {
        return welcome.getString("user");
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends one frame; frames are sent one after another (the JDK allows one outstanding send). */
    public synchronized WsClient send(String json) {
        sending = sending.thenCompose(ws -> socket.sendText(json, true));
        try {
            sending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("send failed: " + e + state(), e);
        }
        return this;
    }

    /** Sends a JSON object built from alternating keys and values. */
    public WsClient send(Object... keysAndValues) {
        return send(Json.createObjectBuilder(Jsons.map(keysAndValues)).build().toString());
    }

    /** Joins a chat room; returns {@code joined}, which must be the next frame. */
    public JsonObject join(String room) {
        return send("type", "join", "room", room).expect("joined");
    }

    /** Says something in a chat room; returns the message as it comes back (frames before it are skipped). */
    public JsonObject say(String room, String text) {
        send("type", "say", "room", room, "text", text);
        return await("message", m -> m.getString("text").equals(text) && m.getString("from").equals(user()));
    }

    /** The next frame, whatever it is. */
    public JsonObject next() {
        return next(TIMEOUT);
    }

    public JsonObject next(Duration timeout) {
        try {
            JsonObject frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                fail("no frame within " + timeout + state());
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    public JsonObject expect(String type) {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type"), () -> "expected " + type + " but got " + frame);
        return frame;
    }

    /**
     * The next frames, one of each of {@code types} in any order (frames from different nodes of a cluster, whose order
     * nothing defines), by type.
     */
    public Map<String, JsonObject> nextOfEach(String... types) {
        Map<String, JsonObject> byType = new java.util.HashMap<>();
        for (int i = 0; i < types.length; i++) {
            JsonObject frame = next();
            String type = frame.getString("type");
            if (!List.of(types).contains(type) || byType.put(type, frame) != null) {
                fail("expected one each of " + List.of(types) + " but got " + frame + " after " + byType.values());
            }
        }
        return byType;
    }

    /** Skips frames until one of {@code type} matching {@code filter} arrives; returns it. */
    public JsonObject await(String type, Predicate<JsonObject> filter) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<JsonObject> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            JsonObject frame;
            try {
                frame = frames.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                break;
            }
            if (type.equals(frame.getString("type", "")) && filter.test(frame)) {
                return frame;
            }
            skipped.add(frame);
        }
        throw new AssertionError("no " + type + " frame within " + TIMEOUT + "; skipped " + skipped);
    }

    public JsonObject await(String type) {
        return await(type, f -> true);
    }

    /** Asserts that no frame arrives within {@code quiet} (used after a barrier frame, never as a wait). */
    public void expectNothing(Duration quiet) {
        try {
            JsonObject frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (frame != null) {
                fail("unexpected frame " + frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frames already received and not yet taken. */
    public int pending() {
        return frames.size();
    }

    /** Waits for the server to close; returns the close code. */
    public int awaitClose() {
        try {
            return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("not closed within " + TIMEOUT + ": " + e);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** How the connection stands, for failure messages: open, or closed with which code and reason, or the error. */
    private String state() {
        if (!closed.isDone()) {
            return " (open)";
        }
        Throwable e = error;
        return " (closed " + closeCode() + (e != null ? " by " + e : " \"" + closeReason + "\"") + ")";
    }

    private int closeCode() {
        try {
            return closed.getNow(new int[] {-1})[0];
        } catch (CompletionException e) {
            return -1;
        }
    }

    /**
     * Stops reading from the socket (a client that hangs or is too slow): the JDK client then stops draining the
     * TCP connection, so the server's writes back up.
     */
    public void stopReading() {
        paused = true;
    }

    /** Reads again after {@link #stopReading()}: drains what the server wrote meanwhile. */
    public void resumeReading() {
        paused = false;
        socket.request(1);
    }

    /** WebSocket frames received so far (a frame may hold several objects). */
    public long framesReceived() {
        return received;
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received++;
                for (String line : partial.toString().split("\n")) {
                    try (JsonReader reader = Json.createReader(new StringReader(line))) {
                        frames.add(reader.readObject());
                    }
                }
                partial.setLength(0);
            }
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            closed.completeExceptionally(new AssertionError("server sent a binary frame"));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            WsClient.this.error = error;
            closed.complete(new int[] {-1});
        }
    }
}
