package switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes notifications with {@code POST /api/topics/{topic}}, paced open-loop, a bounded number
 * in flight. Body: {@code {"b":"S3.M.0.17.81234567890.xxxx"}} (see {@link Tag}); the send time in it is
 * taken just before the request is handed to the HTTP client.
 */
final class Publisher extends Source {
    private final Bench bench;
    /** The body being built (one sender thread); copied into each request. */
    private final byte[] body;
    private final HttpClient http;
    private final URI[] uris; // round-robin (soak: both nodes of a cluster)
    private int next;
    private final String auth;
    private final Semaphore window;
    private final int maxInFlight;
    final AtomicLong lastStatus = new AtomicLong();
    private long seq;

    Publisher(Bench bench, String key, int maxInFlight) {
        this(bench, key, maxInFlight, bench.topic, bench.httpBase);
    }

    /** Publishes to {@code topic}, each request to the next of {@code bases} (http://host:port/ctx). */
    Publisher(Bench bench, String key, int maxInFlight, String topic, URI... bases) {
        this.bench = bench;
        this.body = new byte[256 + bench.textChars];
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "http"); t.setDaemon(true); return t; }))
                .build();
        this.uris = new URI[bases.length];
        for (int i = 0; i < bases.length; i++) uris[i] = URI.create(bases[i] + "/api/topics/" + topic);
        this.auth = "Bearer " + key;
        this.maxInFlight = maxInFlight;
        this.window = new Semaphore(maxInFlight);
    }

    /** Publishes one message now, unless the window of answers in flight is full. */
    @Override
    void sendOne(long now) {
        byte[] p = body;
        if (!window.tryAcquire()) {
            skipped.incrementAndGet(); // the server is not answering fast enough: counted, not queued
        } else {
            int n = Tag.put(p, 0, "{\"b\":\"".getBytes(StandardCharsets.US_ASCII));
            n = Tag.write(p, n, bench.step, now >= bench.measureStart ? (byte) 'M' : (byte) 'W', 0, ++seq, now - bench.base, bench.textChars);
            p[n++] = '"';
            p[n++] = '}';
            HttpRequest req = HttpRequest.newBuilder(uris[next++ % uris.length]).timeout(Duration.ofSeconds(30))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(p, n))).build(); // the client reads it later
            sent.incrementAndGet();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, ex) -> {
                if (ex == null && r.statusCode() / 100 == 2) accepted.incrementAndGet();
                else {
                    failed.incrementAndGet();
                    bench.countError(ex != null ? "http:" + ex.getClass().getSimpleName() : "http:" + r.statusCode());
                }
                window.release();
            });
        }
    }

    /** Waits until every request has been answered; false on timeout. */
    @Override
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        if (!window.tryAcquire(maxInFlight, timeoutMs, TimeUnit.MILLISECONDS)) return false;
        window.release(maxInFlight);
        return true;
    }
}
