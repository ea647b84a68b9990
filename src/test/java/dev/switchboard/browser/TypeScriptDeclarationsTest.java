package dev.switchboard.browser;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's TypeScript declarations ({@code webapp/js/switchboard.d.ts} and one {@code .d.ts} beside each module)
 * agree with a typed example that uses every method, option and event ({@code src/test/ts/example.ts}): the
 * TypeScript compiler pinned in {@code src/test/ts/package-lock.json} checks it with {@code --strict}, and its
 * {@code @ts-expect-error} lines prove misuses are refused. Then the example runs against a fake server, so a
 * declaration of something the JavaScript lacks fails too. {@code npm ci} installs the compiler when
 * {@code node_modules} is missing. Skipped where Node.js 20+ or npm is not on the PATH.
 */
class TypeScriptDeclarationsTest {

    static final Path DIR = Path.of(System.getProperty("switchboard.tsTests", "src/test/ts"));

    @Test
    void declarationsCompileStrictlyAgainstTheExampleAndMatchTheClient() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("example.ts")), "no typed example at " + DIR.toAbsolutePath());
        Result node = run(List.of("node", "--version"), 1);
        Assumptions.assumeTrue(node.code() == 0 && major(node.output()) >= 20, "needs Node.js 20+ on the PATH");
        Assumptions.assumeTrue(run(List.of("npm", "--version"), 1).code() == 0, "needs npm on the PATH (it installs typescript)");

        if (!Files.isRegularFile(DIR.resolve("node_modules/typescript/bin/tsc"))) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 5);
            assertEquals(0, install.code(), "npm ci in " + DIR + " (the npm registry must be reachable):\n" + install.output());
        }
        Result tsc = run(List.of("node", "node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--noEmit", "--strict"), 3);
        assertEquals(0, tsc.code(), "tsc --noEmit --strict on example.ts:\n" + tsc.output());

        Result example = run(List.of("node", "run-example.mjs"), 2);
        assertEquals(0, example.code(), "the typed example against a fake server:\n" + example.output());
        assertTrue(example.output().contains("expected ones seen"), example.output());
    }

    private record Result(int code, String output) {}

    /** Runs a command in {@link #DIR}; code -1 when it cannot start (not installed). */
    private static Result run(List<String> command, int minutes) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, String.valueOf(e.getMessage()));
        }
        // Read while it runs: a full pipe would block the process.
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        }, "ts-output");
        reader.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-2, String.join(" ", command) + " took longer than " + minutes + " min");
        }
        reader.join();
        return new Result(p.exitValue(), out.toString());
    }

    private static int major(String version) {
        try {
            return Integer.parseInt(version.trim().replaceFirst("^v(\\d+).*", "$1"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
