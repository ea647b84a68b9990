package dev.switchboard.browser;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the client's unit tests ({@code src/test/js}, Node's built-in test runner, no npm packages) so that Maven
 * runs them too. Skipped where no {@code node} (20 or newer) is on the PATH.
 */
class JavaScriptClientTest {

    @Test
    void clientUnitTestsPassUnderNode() throws Exception {
        Path tests = Path.of(System.getProperty("switchboard.jsTests", "src/test/js"));
        Assumptions.assumeTrue(Files.isDirectory(tests), "no JavaScript tests at " + tests.toAbsolutePath());
        Assumptions.assumeTrue(nodeMajorVersion() >= 20, "needs Node.js 20+ on the PATH (node --test)");

        Process node = new ProcessBuilder("node", "--test", "--test-reporter=spec", tests.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(2, TimeUnit.MINUTES), "node --test finished");
        System.out.println(output);
        assertEquals(0, node.exitValue(), output);
    }

    private static int nodeMajorVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(); // v20.20.2
            p.waitFor(10, TimeUnit.SECONDS);
            return Integer.parseInt(v.replaceFirst("^v(\\d+).*", "$1"));
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
