package dev.switchboard.browser;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.standalone.Runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The standalone runner started in this JVM on a free port, serving the page from {@code webapp/} (or
 * {@code -Dswitchboard.webapp=DIR}). It can be stopped and started again on the same port, with a new in-memory
 * history (a new epoch), like a real restart.
 */
final class PageServer implements AutoCloseable {

    static final String PUBLISHER_KEY = "test-key";
    static final String ADMIN_KEY = "test-admin-key-0123456789";
    /** Signs the tokens of {@link #pageAs}: a user signed in on several browsers is one identity, unlike guests. */
    static final String TOKEN_SECRET = "browser-test-secret-of-32-bytes!";

    private final Settings settings;
    private final Path webRoot;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Runner runner;
    private int port;

    private PageServer(Settings settings, Path webRoot) {
        this.settings = settings;
        this.webRoot = webRoot;
    }

    static PageServer start() {
        return start(Map.of());
    }

    /** With more settings (e.g. a database to watch). */
    static PageServer start(Map<String, String> more) {
        Path webRoot = Path.of(System.getProperty("switchboard.webapp", "webapp")).toAbsolutePath();
        if (!Files.isRegularFile(webRoot.resolve("index.html"))) {
            throw new IllegalStateException("no page at " + webRoot + " (set -Dswitchboard.webapp=DIR)");
        }
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "publisherKey", PUBLISHER_KEY,
                "adminKey", ADMIN_KEY,
                "tokenSecret", TOKEN_SECRET,
                "shutdownGraceMs", "200"));
        settings.putAll(more);
        PageServer server = new PageServer(Settings.of(settings), webRoot);
        server.startOn(0);
        return server;
    }

    private void startOn(int wanted) {
        try {
            runner = Runner.start(settings, "127.0.0.1", wanted, webRoot);
            port = runner.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:41234/}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Stops serving: every connection is closed (1001) and the port refuses new ones. */
    void stop() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    /** Serves again on the same port: a new process would have the same address and an empty history. */
    void startAgain() {
        startOn(port);
    }

    /** The page signed in as {@code user} with a token (valid for ten minutes), in {@code rooms} ("a,b": a first). */
    URI pageAs(String user, String rooms) {
        String token = Authenticator.sign(TOKEN_SECRET, user, Instant.now().plusSeconds(600));
        return base().resolve("?token=" + token + "&rooms=" + rooms);
    }

    /** {@code POST /api/topics/{topic}} with the publisher key; returns the HTTP status. */
    int publish(String topic, String json) {
        HttpRequest request = HttpRequest.newBuilder(base().resolve("api/topics/" + topic))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + PUBLISHER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
