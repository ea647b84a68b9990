package dev.switchboard.testing;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Switchboard node in its own JVM: {@code java -cp <the test class path> dev.switchboard.standalone.Runner} with
 * {@code SWITCHBOARD_*} environment variables, its output in {@code target/cluster-it/NAME.log}. Tests start nodes,
 * wait for {@code /api/health}, and kill them in {@code finally}.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    /** Where this process's output begins in {@link #log} (the file keeps earlier runs' output above it). */
    private final long from;
    private final Process process;

    private NodeProcess(String name, int port, Path log, long from, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.from = from;
        this.process = process;
    }

    /** Starts a node on a free port; {@link #awaitReady()} waits until it serves. */
    public static NodeProcess start(String name, Map<String, String> environment) {
        try {
            int port = RedisServer.freePort();
            Path dir = Path.of("target", "cluster-it");
            Files.createDirectories(dir);
            Path log = dir.resolve(name + ".log");
            // surefire and failsafe put the real class path here (java.class.path may be a manifest-only jar)
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", classPath, "dev.switchboard.standalone.Runner"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
            builder.environment().putAll(environment);
            builder.environment().put("SWITCHBOARD_PORT", Integer.toString(port));
            builder.environment().put("SWITCHBOARD_HOST", "127.0.0.1");
            builder.environment().put("SWITCHBOARD_WEB_ROOT", dir.resolve("no-page").toString());
            long from = Files.exists(log) ? Files.size(log) : 0; // earlier runs' output stays above
            Files.writeString(log, "---- " + name + " on port " + port + ": " + String.join(" ", command.subList(0, 4))
                    + " …\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return new NodeProcess(name, port, log, from, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the nodes side by side with the same environment, then waits for each; on failure none is left running. */
    public static NodeProcess[] startAll(Map<String, String> environment, String... names) {
        NodeProcess[] nodes = new NodeProcess[names.length];
        try {
            for (int i = 0; i < names.length; i++) {
                nodes[i] = start(names[i], environment);
            }
            for (NodeProcess node : nodes) {
                node.awaitReady();
            }
            return nodes;
        } catch (RuntimeException | Error e) {
            for (NodeProcess node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
            throw e;
        }
    }

    /** Polls {@code /api/health} until it answers 200; fails with the node's output if it exits or takes too long. */
    public NodeProcess awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(http("api/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("node " + name + " not ready within " + READY_TIMEOUT + ":\n" + output());
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + path);
    }

    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + "/" + pathAndQuery);
    }

    public String name() {
        return name;
    }

    /** What this process has written so far (not the earlier runs' output in the same file). */
    public String output() {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Kills the JVM at once (SIGKILL): no shutdown hook, no goodbye to Redis. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Stops the JVM the way an operator would (SIGTERM: the shutdown hook closes connections with 1001). */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        Processes.awaitExit(process);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
