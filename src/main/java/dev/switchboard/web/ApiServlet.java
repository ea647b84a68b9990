package dev.switchboard.web;

import dev.switchboard.settings.Settings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@code /api/*} (setting {@code apiPath}) in a servlet container: copies the request into {@link HttpApi} and its
 * answer back. Registered by {@link SwitchboardInitializer}; its Switchboard is the web application's
 * ({@link WebLifecycle#ATTRIBUTE}).
 * <p>
 * A client must not hold a container thread by sending a body slowly or never: method, path and key are checked
 * before any byte of a body is read ({@link HttpApi#wantsBody}); a request answered without its declared body closes
 * its connection; a body is read with the non-blocking {@link ReadListener} of an async request, within
 * {@code apiReadTimeoutMs} (then 408, connection closed). Where the
 * application in front does not allow async processing (a filter of a host application without asyncSupported), or
 * the request asks for an upgrade, the body is read blocking, still only after the key was checked and at most
 * {@code maxMessageBytes}. (Payara keeps a connection open after such an answer until it skipped the declared body or
 * its own request timeout passed; Tomcat closes it.)
 */
public class ApiServlet extends HttpServlet {

    private static final Logger LOG = System.getLogger(ApiServlet.class.getName());

    private transient HttpApi api;
    private long readTimeoutMs;
    /**
     * Times body reads: the container's async timeout is coarse in places (Payara checks it every few seconds), so
     * apiReadTimeoutMs is kept by this thread; the container's timeout stays as a backstop.
     */
    private transient ScheduledExecutorService timer;

    @Override
    public void init() throws ServletException {
        var switchboard = WebLifecycle.switchboard(getServletContext());
        api = new HttpApi(switchboard);
        readTimeoutMs = Math.max(1, switchboard.settings().getLong(Settings.Key.API_READ_TIMEOUT_MS));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-api-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The query string only: getParameterMap() would make the container consume a form-encoded body
        // (curl -d sends JSON as application/x-www-form-urlencoded).
        Map<String, String> query = HttpApi.parseQuery(request.getQueryString());
        String method = request.getMethod();
        String path = request.getPathInfo();
        String authorization = request.getHeader("Authorization");
        Function<String, String> headers = request::getHeader; // traceparent too; valid until the request completes
        boolean declaresBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        boolean wanted = api.wantsBody(method, path, authorization);
        boolean tooLarge = wanted && request.getContentLengthLong() > api.maxBodyBytes();
        // A request asking to switch protocols (Java's HttpClient sends Upgrade: h2c by default) is read blocking:
        // Payara's HTTP/2 upgrade fails on an async response (a NullPointerException in Grizzly's Http2ServerFilter).
        boolean upgrade = request.getHeader("Upgrade") != null;
        if (declaresBody && request.isAsyncSupported() && !upgrade) {
            Body body = new Body(request.startAsync(), request.getInputStream());
            if (!wanted || tooLarge) {
                body.refuse(api.serve(method, path, headers, query, wanted ? null : new byte[0])); // 413 / no
            } else {
                body.read(bytes -> api.serve(method, path, headers, query, bytes));
            }
        } else if (!wanted || tooLarge) {
            write(response, declaresBody, api.serve(method, path, headers, query, wanted ? null : new byte[0]));
        } else {
            byte[] body = readBounded(request.getInputStream(), api.maxBodyBytes());
            write(response, body == null, api.serve(method, path, headers, query, body));
        }
    }

    /** {@code close}: the connection ends after the answer (a body was declared and is not read). */
    private static void write(HttpServletResponse response, boolean close, HttpApi.Response answer) throws IOException {
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (close) {
            response.setHeader("Connection", "close");
        }
        byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }

    /** The body, or null when it exceeds {@code max} bytes (nothing more is read). */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        return body.length > max ? null : body;
    }

    /**
     * One request body in an async request, read without blocking, or refused unread. Either way the input is in
     * non-blocking mode when the request completes, so the container does not wait to skip an unread body (Tomcat
     * would, blocking a thread until the connection timeout, for a body that never comes). The answer is written
     * exactly once: the container calls the read listener's methods one at a time, but the timeout comes on another
     * thread, so whoever sets {@code done} first answers.
     */
    private final class Body implements ReadListener, AsyncListener {
        private final AsyncContext async;
        private final ServletInputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean completed = new AtomicBoolean();
        /** Refused unread ({@link #refuse}): the answer is out, and the first listener callback completes. */
        private volatile boolean refused;
        private Function<byte[], HttpApi.Response> then;
        private volatile ScheduledFuture<?> deadline;

        Body(AsyncContext async, ServletInputStream in) {
            this.async = async;
            this.in = in;
        }

        /**
         * Answers without reading the body; the connection closes after the answer. The answer is written and flushed
         * first. Where some of the body is already there, the request completes only at the read listener's first
         * callback (or after {@code apiReadTimeoutMs}): a container may have queued that callback on another thread
         * in {@code setReadListener} (Payara does), and one that runs after the request completed meets recycled
         * request objects, which another request may be using by then. Where nothing is there to read, no callback
         * is pending, and the request completes at once.
         */
        void refuse(HttpApi.Response answer) {
            done.set(true);
            refused = true;
            respond(true, answer);
            async.setTimeout(readTimeoutMs + 10_000); // the container's, a backstop: the timer completes first
            async.addListener(this);
            in.setReadListener(this);
            boolean pending;
            try {
                pending = in.isReady();
            } catch (RuntimeException e) {
                pending = false;
            }
            if (!pending) {
                completeOnce();
            } else if (!completed.get()) {
                deadline = timer.schedule(this::completeOnce, readTimeoutMs, TimeUnit.MILLISECONDS);
            }
        }

        /** Reads the body (null: over maxMessageBytes), then answers what {@code then} makes of it. */
        void read(Function<byte[], HttpApi.Response> then) {
            this.then = then;
            async.setTimeout(readTimeoutMs + 10_000); // the container's, a backstop: the timer answers first
            async.addListener(this);
            deadline = timer.schedule(() -> onTimeout(null), readTimeoutMs, TimeUnit.MILLISECONDS);
            in.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            if (refused) {
                completeOnce(); // unread: the connection closes after the answer
                return;
            }
            byte[] chunk = new byte[8192];
            while (!done.get() && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                bytes.write(chunk, 0, n);
                if (bytes.size() > api.maxBodyBytes()) {
                    finish(null);
                }
            }
        }

        @Override
        public void onAllDataRead() {
            if (refused) {
                completeOnce();
                return;
            }
            finish(bytes.toByteArray());
        }

        @Override
        public void onError(Throwable t) {
            if (refused) {
                completeOnce();
            } else if (done.compareAndSet(false, true)) {
                LOG.log(Level.DEBUG, "reading an HTTP API request body failed: {0}", t.toString());
                completeOnce();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            if (refused) {
                completeOnce();
            } else if (done.compareAndSet(false, true)) {
                answer(true, HttpApi.timeout("the request body did not arrive within " + readTimeoutMs
                        + " ms (apiReadTimeoutMs)"));
            }
        }

        private void finish(byte[] body) {
            if (done.compareAndSet(false, true)) {
                deadline.cancel(false);
                answer(body == null, then.apply(body));
            }
        }

        private void answer(boolean close, HttpApi.Response answer) {
            try {
                respond(close, answer);
            } finally {
                completeOnce();
            }
        }

        /** Writes and flushes the answer; one that cannot be written is the client's going away. */
        private void respond(boolean close, HttpApi.Response answer) {
            try {
                write((HttpServletResponse) async.getResponse(), close, answer);
                async.getResponse().flushBuffer();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "the HTTP API answer could not be written: {0}", e.toString());
            }
        }

        /** Completes the request once, whoever comes first: a listener callback, the deadline, the container. */
        private void completeOnce() {
            if (completed.compareAndSet(false, true)) {
                ScheduledFuture<?> d = deadline;
                if (d != null) {
                    d.cancel(false);
                }
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    LOG.log(Level.DEBUG, "the HTTP API request was already complete: {0}", e.toString());
                }
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
