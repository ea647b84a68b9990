package dev.switchboard.testing;

import jakarta.json.Json;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Closes beside plain HTTP requests: sockets end in every way while other clients GET a page over and over, and every
 * GET must still return the page. Run by {@code it/CloseCodeLoopIT} in each container and by the runner's
 * {@code standalone/CloseCodeLoopTest}.
 */
public final class RequestLoops {

    private static final Duration T = Duration.ofSeconds(15);

    private final CloseCodeLoops loops;

    public RequestLoops(CloseCodeLoops loops) {
        this.loops = loops;
    }

    /**
     * Sockets that end in every way while the server pushes a stream to them (the client's close, a reset, the server's
     * close for an offence on the socket's own thread, the admin API's close from an HTTP request's thread), on
     * {@code parallel} threads, {@code n} each, beside clients that GET {@code path} over and over: every socket gets
     * its code and every GET returns what the first one did, with its type and length. Payara recycled an upgrade
     * request's objects on the thread that closed the socket while the connection's own thread still used them, and
     * handed them to other requests: upgrades lost their 101 and requests failed or came back empty
     * ({@code web/TyrusServletClose}).
     */
    public void closesBesideRequests(int n, int parallel, String path) throws Exception {
        URI page = loops.base().resolve(path);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> expected = http.send(HttpRequest.newBuilder(page).timeout(T)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, expected.statusCode());
        String expectedType = expected.headers().firstValue("Content-Type").orElse("none");
        String expectedLength = expected.headers().firstValue("Content-Length").orElse("none");
        ExecutorService threads = Executors.newFixedThreadPool(2 * parallel);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger gets = new AtomicInteger();
        CloseTally closes = new CloseTally("closes for a binary frame beside requests", CloseCodeLoops.Offence.BINARY.code);
        CloseTally adminCloses = new CloseTally("closes by the admin API beside requests", 4500);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                results.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    HttpClient client = HttpClient.newHttpClient();
                    while (!done.get() && wrong.size() < 3) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(page)
                                .timeout(T).build(), HttpResponse.BodyHandlers.ofString());
                        gets.incrementAndGet();
                        // A response committed before its servlet ran has neither its type nor its length.
                        String type = r.headers().firstValue("Content-Type").orElse("none");
                        String length = r.headers().firstValue("Content-Length").orElse("none");
                        if (r.statusCode() != 200 || !r.body().equals(expected.body()) || !type.equals(expectedType)
                                || !length.equals(expectedLength)) {
                            String b = r.body();
                            wrong.add(r.statusCode() + " " + r.headers().map() + " " + b.length() + " chars: "
                                    + b.substring(0, Math.min(200, b.length())));
                        }
                    }
                    return wrong;
                }));
            }
            List<Future<List<String>>> sockets = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                sockets.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        try (RawWebSocket ws = RawWebSocket.open(loops.uri(true, "?name=ender"), T)) {
                            String first = ws.awaitLine(T);
                            String session = Json.createReader(new StringReader(first))
                                    .readObject().getString("session", null);
                            if (session == null || !first.startsWith("{\"type\":\"welcome\"")) {
                                wrong.add(i + ": the first frame is not this socket's welcome: " + first);
                                continue;
                            }
                            CloseCodeLoops.awaitStream(ws);
                            switch (i % 4) {
                                case 0 -> ws.close();
                                case 1 -> ws.resetAbruptly();
                                case 2 -> {
                                    CloseCodeLoops.Offence.BINARY.commit(ws);
                                    closes.add(ws.awaitClose(T));
                                }
                                default -> { // closed by the server from another thread: an HTTP request's
                                    Http.Reply r = Http.delete(loops.base().resolve("api/admin/connections/" + session), CloseCodeLoops.ADMIN_KEY);
                                    if (r.status() != 200) {
                                        wrong.add(i + ": admin close answered " + r);
                                    }
                                    adminCloses.add(ws.awaitClose(T));
                                }
                            }
                        } catch (IOException | AssertionError e) {
                            wrong.add(i + ": " + e);
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = SideBySide.collect(sockets);
            done.set(true);
            wrong.addAll(SideBySide.collect(results));
            System.out.println("closesBesideRequests: " + gets.get() + " GETs beside " + parallel * n + " sockets");
            closes.assertAllExpected();
            adminCloses.assertAllExpected();
            assertEquals(List.of(), wrong, "every GET beside " + parallel * n + " ending sockets returns the page ("
                    + gets.get() + " GETs)");
        } finally {
            done.set(true);
            threads.shutdownNow();
        }
    }
}
