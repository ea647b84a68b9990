package dev.switchboard.standalone;


import dev.switchboard.settings.Settings;
import dev.switchboard.testing.AutobahnCases;
import dev.switchboard.testing.EchoEndpoint;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/**
 * Issue 5: the Autobahn TestSuite fuzzing client (cases 1-7 and 10) against a test-only echo endpoint on the runner
 * (Tyrus on Grizzly, with Switchboard's own endpoints and handshake gate in place). Report: target/autobahn/standalone.
 */
class AutobahnTest {

    @Test
    void echoEndpointPassesAutobahnCases1To7And10() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null, EchoEndpoint.class)) {
            URI echo = URI.create("ws://127.0.0.1:" + runner.port() + "/test/echo");
            AutobahnCases.runAndCheck("standalone", "Switchboard-runner-Tyrus", echo);
        }
    }
}
