package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.Switchboard;
import dev.switchboard.web.Endpoints;
import dev.switchboard.web.Handshakes;
import dev.switchboard.web.PageHeaders;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.StaticHttpHandler;
import org.glassfish.grizzly.nio.ChannelConfigurator;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Switchboard without a servlet container: Tyrus on Grizzly serving the page ({@code webapp/}), the two endpoints
 * and the HTTP API at the root path. {@code mvn compile exec:java} runs {@link #main} on port 8080 (or
 * {@code SWITCHBOARD_PORT}); tests use {@link #start} on a free port. With a PKCS12 keystore
 * ({@code SWITCHBOARD_KEYSTORE} and {@code SWITCHBOARD_KEYSTORE_PASSWORD}) it serves https and wss instead.
 */
public final class Runner implements AutoCloseable {

    /**
     * Socket send buffer per connection: a few batches. Linux would autotune it up to 4 MiB per socket, which is
     * what a client that stops reading would hold up before the outbox even noticed.
     */
    static final int SEND_BUFFER_BYTES = 128 * 1024;

    /** Where the runner listens unless {@code SWITCHBOARD_HOST} says otherwise: this machine only. */
    static final String DEFAULT_HOST = "127.0.0.1";

    private final Switchboard switchboard;
    private final Handshakes handshakes;
    private final HttpServer server;
    private final StandaloneContainer container;
    private final NetworkListener listener;
    private final String host;
    private final boolean secure;
    private final UpgradedConnections upgraded;
    private final ConnectionTimeouts timeouts;
    private final ScheduledExecutorService timer;
    private final ApiHandler apiHandler;

    /** A PKCS12 keystore holding the server's key and certificate chain: the runner then serves https and wss only. */
    public record Tls(Path keystore, char[] password) {
        /** From {@code SWITCHBOARD_KEYSTORE} / {@code switchboard.keystore} and its password; null when not set. */
        static Tls fromEnvironment() {
            String keystore = env("SWITCHBOARD_KEYSTORE", "switchboard.keystore", "");
            if (keystore.isEmpty()) {
                return null;
            }
            return new Tls(Path.of(keystore),
                    env("SWITCHBOARD_KEYSTORE_PASSWORD", "switchboard.keystorePassword", "").toCharArray());
        }

        SSLEngineConfigurator engine() throws IOException {
            try (var in = Files.newInputStream(keystore)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return new SSLEngineConfigurator(context, false, false, false);
            } catch (GeneralSecurityException | IOException e) {
                throw new IOException("cannot use the keystore " + keystore.toAbsolutePath() + " (PKCS12, settings "
                        + "SWITCHBOARD_KEYSTORE and SWITCHBOARD_KEYSTORE_PASSWORD): " + e, e);
            }
        }
    }

    private Runner(Switchboard switchboard, Handshakes handshakes, HttpServer server, StandaloneContainer container,
                   NetworkListener listener, String host, boolean secure, UpgradedConnections upgraded,
                   ConnectionTimeouts timeouts, ScheduledExecutorService timer, ApiHandler apiHandler) {
        this.switchboard = switchboard;
        this.handshakes = handshakes;
        this.server = server;
        this.container = container;
        this.listener = listener;
        this.host = host;
        this.secure = secure;
        this.upgraded = upgraded;
        this.timeouts = timeouts;
        this.timer = timer;
        this.apiHandler = apiHandler;
    }

    public static void main(String[] args) throws Exception {
        LogLines.installOnConsole();
        int port = Integer.parseInt(env("SWITCHBOARD_PORT", "switchboard.port", "8080"));
        String host = host();
        Path webRoot = Path.of(env("SWITCHBOARD_WEB_ROOT", "switchboard.webRoot", "webapp"));
        Settings settings = Settings.fromSystem();
        EmbeddedDatabase embedded = EmbeddedDatabase.of(settings); // no database configured: the demo one
        if (embedded != null) {
            embedded.create();
            settings = embedded.settings();
        }
        Runner runner = start(settings, host, port, webRoot, Tls.fromEnvironment());
        if (embedded != null) {
            embedded.startWriter();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (embedded != null) {
                embedded.close();
            }
            runner.close();
            stopped.countDown();
        }, "switchboard-shutdown"));
        System.out.println("Switchboard is running at " + (runner.secure ? "https" : "http") + "://localhost:"
                + runner.port() + "/  (Ctrl-C stops it)");
        stopped.await();
    }

    /**
     * The address {@link #main} listens on: {@code SWITCHBOARD_HOST} / {@code -Dswitchboard.host}, else loopback
     * ({@value #DEFAULT_HOST}): a runner started to try Switchboard out is not reachable from the network.
     */
    static String host() {
        return env("SWITCHBOARD_HOST", "switchboard.host", DEFAULT_HOST);
    }

    private static String env(String variable, String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /**
     * Starts Switchboard and serves it. {@code port} 0 picks a free port; {@code webRoot} may be null (no page).
     */
    public static Runner start(Settings settings, String host, int port, Path webRoot) throws IOException {
        return start(settings, host, port, webRoot, (Tls) null);
    }

    /** As {@link #start(Settings, String, int, Path)}, serving TLS (https, wss) when {@code tls} is not null. */
    public static Runner start(Settings settings, String host, int port, Path webRoot, Tls tls) throws IOException {
        return start(settings, host, port, webRoot, tls, new Class<?>[0], UnaryOperator.identity());
    }

    /** As above, with more {@code @ServerEndpoint} classes beside Switchboard's (tests: an echo endpoint). */
    public static Runner start(Settings settings, String host, int port, Path webRoot, Class<?>... moreEndpoints)
            throws IOException {
        return start(settings, host, port, webRoot, null, moreEndpoints, UnaryOperator.identity());
    }

    /**
     * @param decider wraps the handshake decision ({@link dev.switchboard.auth.Admission}): tests count decisions
     */
    static Runner start(Settings settings, String host, int port, Path webRoot, Tls tls, Class<?>[] moreEndpoints,
                        UnaryOperator<Handshakes.Decider> decider) throws IOException {
        SSLEngineConfigurator ssl = tls == null ? null : tls.engine();
        String api = Endpoints.path(settings, Settings.Key.API_PATH);
        Endpoints.socketPaths(settings); // invalid paths fail here, before anything starts
        Switchboard switchboard = Switchboard.start(settings);
        try {
            return serve(switchboard, host, port, webRoot, ssl, api, moreEndpoints,
                    new Handshakes(decider.apply(switchboard.admission()::decide), switchboard.stats(),
                            switchboard.admission()::clientAddress));
        } catch (IOException | RuntimeException e) {
            switchboard.close();
            throw e;
        }
    }

    /** Serves a started Switchboard (the caller closes it when this throws). */
    private static Runner serve(Switchboard switchboard, String host, int port, Path webRoot, SSLEngineConfigurator ssl,
                                String api, Class<?>[] moreEndpoints, Handshakes handshakes) throws IOException {
        Settings settings = switchboard.settings();
        List<ServerEndpointConfig> endpoints = Endpoints.configs(switchboard, handshakes, null);
        List<String> missing = TyrusInternals.missing();
        if (!missing.isEmpty()) {
            System.getLogger(Runner.class.getName()).log(System.Logger.Level.WARNING, "this Tyrus lacks {0}: the "
                    + "runner works without them, with more memory and copying per connection", missing);
        }
        // Tyrus buffers a whole frame before the endpoint sees it (default ~4 MiB) and ignores the session's text
        // limit for single frames: bound the buffer; frames up to it are closed 1009 by the decoder's size check,
        // larger ones by the FrameGuard in front of Tyrus (also 1009, as soon as their header arrives).
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-runner-timer");
            t.setDaemon(true);
            return t;
        });
        StandaloneContainer container = new StandaloneContainer(
                Math.max(64 * 1024, 2 * settings.getInt(Settings.Key.MAX_MESSAGE_BYTES) + 1024), ssl == null, handshakes,
                timer);
        HttpServer server = new HttpServer();
        NetworkListener listener = new NetworkListener("switchboard", host, port);
        server.addListener(listener);
        if (ssl != null) {
            listener.setSecure(true);
            listener.setSSLEngineConfig(ssl);
        }
        if (switchboard.inProcess()) {
            listener.getTransport().setIOStrategy(new SelectorReads());
            listener.getTransport().setSelectorRunnersCount(SelectorReads.selectorThreads());
        } else {
            listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        }
        // A fixed socket send buffer (Linux would autotune it up to 4 MiB, and Grizzly queues a multiple of it):
        // what a slow client holds up is then bounded by the outbox, per connection, not by the kernel.
        ChannelConfigurator defaults = listener.getTransport().getChannelConfigurator();
        listener.getTransport().setChannelConfigurator(new ChannelConfigurator() {
            @Override
            public void preConfigure(NIOTransport transport, SelectableChannel channel) throws IOException {
                defaults.preConfigure(transport, channel);
            }

            @Override
            public void postConfigure(NIOTransport transport, SelectableChannel channel) throws IOException {
                defaults.postConfigure(transport, channel);
                if (channel instanceof SocketChannel socket) {
                    socket.socket().setSendBufferSize(SEND_BUFFER_BYTES); // also stops Linux autotuning it
                }
            }
        });
        // Grizzly's keep-alive timer would also close idle WebSocket connections: ConnectionTimeouts times the
        // connections that are not upgraded instead (headers, keep-alive, per-address cap).
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        ConnectionTimeouts timeouts = new ConnectionTimeouts(settings.getLong(Settings.Key.HEADER_TIMEOUT_MS),
                settings.getLong(Settings.Key.KEEP_ALIVE_TIMEOUT_MS),
                settings.getInt(Settings.Key.MAX_PENDING_CONNECTIONS_PER_ADDRESS), System::currentTimeMillis);
        listener.registerAddOn(TyrusInternals.webSocketAddOn(container));
        listener.registerAddOn(RequestChecks.addOn());
        listener.registerAddOn(HandshakeGate.addOn(handshakes));
        UpgradedConnections upgraded = new UpgradedConnections(); // after the gate: it wraps Tyrus's filter
        listener.registerAddOn(upgraded.addOn());
        listener.registerAddOn(timeouts.addOn());
        // No server name or version on error pages, no stack traces (Grizzly's default page shows both).
        server.getServerConfiguration().setDefaultErrorPageGenerator(new ErrorPages());
        ApiHandler apiHandler = api.isEmpty() ? null : new ApiHandler(switchboard, api, timer);
        if (apiHandler != null) {
            server.getServerConfiguration().addHttpHandler(apiHandler, api);
        }
        if (webRoot != null && Files.isDirectory(webRoot)) {
            StaticHttpHandler page = new StaticHttpHandler(webRoot.toAbsolutePath().toString()) {
                @Override
                public void service(org.glassfish.grizzly.http.server.Request request,
                                    org.glassfish.grizzly.http.server.Response response) throws Exception {
                    PageHeaders.HEADERS.forEach(response::setHeader);
                    super.service(request, response);
                }
            };
            page.setFileCacheEnabled(false);
            server.getServerConfiguration().addHttpHandler(page, "/");
        }
        try {
            for (ServerEndpointConfig endpoint : endpoints) {
                container.register(endpoint);
            }
            for (Class<?> endpoint : moreEndpoints) {
                container.register(endpoint);
            }
            server.start();
            container.start("", listener.getPort());
        } catch (DeploymentException e) {
            server.shutdownNow();
            timer.shutdownNow();
            throw new IOException("cannot deploy the endpoints: " + e.getMessage(), e);
        }
        timeouts.start(timer);
        return new Runner(switchboard, handshakes, server, container, listener, host, ssl != null, upgraded, timeouts,
                timer, apiHandler);
    }

    /** The running instance (its hub, settings and counters). */
    public Switchboard switchboard() {
        return switchboard;
    }

    /** WebSocket connections that dropped the HTTP request they were opened with (see {@link UpgradedConnections}). */
    long upgradedConnectionsReleased() {
        return upgraded.released();
    }

    /** WebSocket connections whose endpoint took its {@link DirectWriter} (see {@link RunnerEngine}). */
    long directWritersHandedOver() {
        return container.engine.writersHandedOver();
    }

    /** The handshake decisions of this runner (held ones, between the gate and the configurator). */
    Handshakes handshakes() {
        return handshakes;
    }

    public int port() {
        return listener.getPort();
    }

    /** {@code http://127.0.0.1:PORT/} (or the bound host; https with TLS). */
    public URI baseUri() {
        String h = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        return URI.create((secure ? "https" : "http") + "://" + h + ":" + port() + "/");
    }

    /** Connections that are not WebSocket connections (yet), followed by {@link ConnectionTimeouts}. */
    int pendingConnections() {
        return timeouts.pending();
    }

    /** Closes every connection with 1001 (after a short drain), then stops serving. */
    @Override
    public void close() {
        switchboard.close();
        container.stop();
        server.shutdownNow();
        timer.shutdownNow();
        if (apiHandler != null) {
            apiHandler.stop();
        }
    }

    /** A Tyrus server container on our own Grizzly server (the stock one cannot host HTTP handlers). */
    static final class StandaloneContainer extends TyrusServerContainer {
        private final WebSocketEngine tyrus;
        private final RunnerEngine engine;

        /**
         * @param plain no TLS: message frames may skip the filter chain ({@link DirectWriter})
         * @param timer ends lingering connections ({@link DirectWriter#close})
         */
        StandaloneContainer(int incomingBufferSize, boolean plain, Handshakes handshakes,
                            ScheduledExecutorService timer) {
            super((Set<Class<?>>) null);
            // A session starts with the container's default idle timeout; Tyrus schedules its idle task for any value
            // >= 0 (0 included) and keeps the cancelled future. Negative from the start: no task per connection
            // (SocketAdapter sets -1 on open anyway).
            setDefaultMaxSessionIdleTimeout(-1);
            this.tyrus = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
            this.engine = new RunnerEngine(tyrus, handshakes, incomingBufferSize, plain, timer);
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            tyrus.register(endpointClass, "");
        }

        @Override
        public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
            tyrus.register(serverEndpointConfig, "");
        }

        /** Tyrus's engine as the runner runs it: Grizzly's upgrade filter gets its connections from here. */
        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public java.util.Map<String, Object> getProperties() {
            return java.util.Map.of();
        }
    }
}
