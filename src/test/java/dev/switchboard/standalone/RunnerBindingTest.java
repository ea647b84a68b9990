package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.RawHandshake;
import dev.switchboard.testing.RawWebSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the runner listens and what it says about itself (issue 13, item 15). Before, {@code mvn compile exec:java}
 * listened on every address of the machine.
 */
class RunnerBindingTest {

    private static final Map<String, String> SETTINGS = Map.of("statsIntervalMs", "0", "demoIntervalMs", "0");

    @Test
    void byDefaultTheRunnerServesThisMachineOnlyAndTheReadmeAddressWorks() throws Exception {
        assumeTrue(System.getProperty("switchboard.host") == null && System.getenv("SWITCHBOARD_HOST") == null,
                "the host is configured here");
        assertEquals("127.0.0.1", Runner.host());
        try (Runner runner = Runner.start(Settings.of(SETTINGS), Runner.host(), 0, Path.of("webapp"))) {
            Http.Reply page = Http.get(URI.create("http://localhost:" + runner.port() + "/"), null);
            assertEquals(200, page.status(), "the README's http://localhost:PORT/ serves the page");
            assertTrue(page.body().contains("<html"), page.body());
            List<InetAddress> others = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
            for (InetAddress other : others) {
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other, runner.port()), 2000);
                    }
                }, "not reachable on " + other);
            }
        }
    }

    @Test
    void noResponseNamesTheServer() throws Exception {
        try (Runner runner = Runner.start(Settings.of(SETTINGS), "127.0.0.1", 0, Path.of("webapp"))) {
            for (String path : new String[] {"", "api/health", "no-such-page", "api/topics/x"}) {
                try (RawHttp http = RawHttp.connect(runner.baseUri())) {
                    http.send("GET /" + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    String response = http.read(Duration.ofSeconds(5));
                    String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")))
                            .toLowerCase(Locale.ROOT);
                    assertTrue(head.startsWith("http/1.1 "), path + ": " + response);
                    assertFalse(head.contains("\nserver:") || head.contains("x-powered-by"), path + ": " + head);
                }
            }
            RawHandshake h = RawWebSocket.connect(URI.create("ws://127.0.0.1:" + runner.port()
                    + "/ws/chat?name=banner"), Map.of(), Duration.ofSeconds(5));
            assertEquals(101, h.status());
            assertTrue(h.header("Server") == null && h.header("X-Powered-By") == null, h.headers().toString());
            h.closeConnection();
        }
    }
}
