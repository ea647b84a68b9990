package dev.switchboard.standalone;

import dev.switchboard.Switchboard;
import dev.switchboard.settings.Settings;
import dev.switchboard.web.HttpApi;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /api/*} (setting {@code apiPath}) on Grizzly: the standalone twin of the servlet, around the same
 * {@link HttpApi}. The runner's I/O threads also read and write every WebSocket, so nothing here may wait on a
 * client or on the store with one of them:
 * <ul>
 *   <li>method, path and key are checked before any byte of a body is read ({@link HttpApi#wantsBody}); a request
 *       answered without its body closes its connection, so a declared body never has to be waited for;</li>
 *   <li>a body is read without blocking ({@link NIOInputStream#notifyAvailable}: Grizzly calls back as bytes arrive),
 *       at most {@code maxMessageBytes}, within {@code apiReadTimeoutMs} (else 408, connection closed);</li>
 *   <li>the answer (a store round trip with Redis) is made on the API's own small pool ({@value #THREADS} threads,
 *       {@value #QUEUE} waiting requests; more are answered 503 at once).</li>
 * </ul>
 */
final class ApiHandler extends HttpHandler {

    private static final Logger LOG = System.getLogger(ApiHandler.class.getName());
    static final int THREADS = 4;
    static final int QUEUE = 256;

    private final HttpApi api;
    private final String prefix;
    private final long readTimeoutMs;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;

    ApiHandler(Switchboard switchboard, String prefix, ScheduledExecutorService timer) {
        this.api = new HttpApi(switchboard);
        this.prefix = prefix;
        this.readTimeoutMs = Math.max(1, switchboard.settings().getLong(Settings.Key.API_READ_TIMEOUT_MS));
        this.timer = timer;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "switchboard-api-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the pool (the runner stops). */
    void stop() {
        pool.shutdownNow();
    }

    @Override
    public void service(Request request, Response response) {
        // The query string only: asking for request parameters would make Grizzly consume a form-encoded body
        // (curl -d sends JSON as application/x-www-form-urlencoded).
        Map<String, String> query = HttpApi.parseQuery(request.getQueryString());
        String method = request.getMethod().getMethodString();
        String path = request.getRequestURI();
        String p = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        String authorization = request.getHeader("Authorization");
        // Headers are read on the pool too (traceparent): the request stays valid until the response resumes.
        Function<String, String> headers = request::getHeader;
        response.suspend();
        if (!api.wantsBody(method, p, authorization)) {
            boolean unread = request.getContentLengthLong() > 0 || request.getRequest().isChunked();
            answer(response, unread, () -> api.serve(method, p, headers, query, new byte[0]));
        } else if (request.getContentLengthLong() > api.maxBodyBytes()) {
            answer(response, true, () -> api.serve(method, p, headers, query, null)); // 413, unread
        } else {
            new Body(request, response, body -> answer(response, body == null,
                    () -> api.serve(method, p, headers, query, body))).start();
        }
    }

    /** Answers on the pool (503 at once when it is full); {@code close}: the connection ends after the answer. */
    private void answer(Response response, boolean close, Supplier<HttpApi.Response> make) {
        try {
            pool.execute(() -> write(response, close, make.get()));
        } catch (RejectedExecutionException e) {
            write(response, true, HttpApi.unavailable("too many HTTP API requests at once; try again"));
        }
    }

    /**
     * Writes the answer and resumes the response. {@code close}: the connection is closed after it (gracefully: the
     * answer is flushed first). Grizzly itself would keep a connection whose declared body was not read open until it
     * has skipped that body, which is exactly the wait a client that never sends it wants.
     */
    private static void write(Response response, boolean close, HttpApi.Response answer) {
        Connection<?> connection = response.getRequest().getContext().getConnection();
        try {
            response.setStatus(answer.status());
            response.setContentType(answer.contentType().contains("charset") ? answer.contentType()
                    : answer.contentType() + ";charset=UTF-8");
            response.setHeader("Cache-Control", "no-store");
            if (close) {
                response.setHeader("Connection", "close");
            }
            byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
            response.setContentLength(out.length);
            response.getOutputStream().write(out);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "the HTTP API answer could not be written: {0}", e.toString());
        } finally {
            response.resume();
            if (close) {
                connection.closeSilently();
            }
        }
    }

    /**
     * Reads one request body without blocking, within the size limit and the read timeout, then hands it on exactly
     * once: the bytes, or null (too large: 413). A timeout answers 408 itself.
     */
    private final class Body implements ReadHandler {
        private final Response response;
        private final Consumer<byte[]> then;
        private final NIOInputStream in;
        private final long declared;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicBoolean done = new AtomicBoolean();
        private ScheduledFuture<?> deadline;

        Body(Request request, Response response, Consumer<byte[]> then) {
            this.response = response;
            this.then = then;
            this.in = request.getNIOInputStream();
            this.declared = request.getContentLengthLong();
        }

        void start() {
            deadline = timer.schedule(this::timedOut, readTimeoutMs, TimeUnit.MILLISECONDS);
            in.notifyAvailable(this);
        }

        private void timedOut() {
            if (done.compareAndSet(false, true)) {
                write(response, true, HttpApi.timeout("the request body did not arrive within " + readTimeoutMs
                        + " ms (apiReadTimeoutMs)"));
            }
        }

        @Override
        public void onDataAvailable() throws Exception {
            if (drain()) {
                in.notifyAvailable(this);
            }
        }

        @Override
        public void onAllDataRead() throws Exception {
            if (drain()) {
                finish(bytes.toByteArray());
            }
        }

        @Override
        public void onError(Throwable t) {
            if (done.compareAndSet(false, true)) {
                deadline.cancel(false);
                LOG.log(Level.DEBUG, "reading an HTTP API request body failed: {0}", t.toString());
                response.resume();
            }
        }

        /**
         * Takes what has arrived; false when done (complete, too large, or answered meanwhile). A body with a
         * Content-Length is complete at that length: Grizzly does not end the body of a request that asks for another
         * protocol ({@code Upgrade: h2c}, which Java's HttpClient sends by default) and passes what follows as is.
         */
        private boolean drain() throws IOException {
            if (done.get()) {
                return false;
            }
            byte[] chunk = new byte[8192];
            while (in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                bytes.write(chunk, 0, n);
                if (bytes.size() > api.maxBodyBytes()) {
                    finish(null);
                    return false;
                }
                if (declared >= 0 && bytes.size() >= declared) {
                    finish(Arrays.copyOf(bytes.toByteArray(), (int) declared));
                    return false;
                }
            }
            return true;
        }

        private void finish(byte[] body) {
            if (done.compareAndSet(false, true)) {
                deadline.cancel(false);
                then.accept(body);
            }
        }
    }
}
