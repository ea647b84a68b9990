package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.HostileHttpScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/** Hostile HTTP requests against the standalone runner (the same scenarios run in Tomcat and Payara). */
class HostileHttpTest {

    private static Runner runner;
    private static HostileHttpScenarios scenarios;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new HashMap<>(HostileHttpScenarios.SETTINGS);
        settings.put("publisherKey", "hostile-http-key");
        runner = Runner.start(Settings.of(settings), "127.0.0.1", 0, null);
        scenarios = new HostileHttpScenarios(runner.baseUri(), "hostile-http-key");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @Test
    void aPostIsRefusedBeforeItsBodyArrives() throws Exception {
        scenarios.aPostIsRefusedBeforeItsBodyArrives(true);
    }

    @Test
    void aStalledBodyGets408() throws Exception {
        scenarios.aStalledBodyGets408AfterApiReadTimeoutMs(true);
    }

    @Test
    void aBadPercentEscapeInTheQueryGets400() throws Exception {
        scenarios.aBadPercentEscapeInTheQueryGets400();
    }

    @Test
    void deeplyNestedJsonGetsBadJson() throws Exception {
        scenarios.deeplyNestedJsonGetsBadJson();
    }

    @Test
    void errorPagesShowNoTraceNorVersion() throws Exception {
        scenarios.errorPagesShowNoTraceNorVersion("no-such-page", 404, true);
        scenarios.errorPagesShowNoTraceNorVersion("api%zz", 400, true); // Grizzly: 500 with a trace, before
    }
}
