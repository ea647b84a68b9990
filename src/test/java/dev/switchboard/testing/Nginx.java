package dev.switchboard.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real nginx for tests: started as a foreground child process (no daemon, no master) with its own config, pid,
 * logs and temp files under {@code target/}, on a free loopback port; {@link #close()} stops it.
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Skips the test (with the install command) where nginx is not installed. */
    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY), "nginx is not installed: apt-get install -y nginx");
    }

    /**
     * Starts nginx serving {@code serverBody} (the inside of a {@code server {}} block, without {@code listen}) on a
     * free port of 127.0.0.1; {@code httpBody} goes into the {@code http {}} block before it.
     */
    public static Nginx start(String name, String httpBody, String serverBody) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "nginx", name).toAbsolutePath());
        int port = RedisServer.freePort();
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                  access_log %1$s/access.log;
                  client_body_temp_path %1$s/client_body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                %2$s
                  server {
                    listen 127.0.0.1:%3$d;
                %4$s
                  }
                }
                """.formatted(dir, httpBody, port, serverBody);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                "-c", file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, port, dir);
        try {
            Poll.until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("nginx exited with " + process.exitValue() + ": " + nginx.log());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }, "nginx listening on " + port, Duration.ofSeconds(15));
        } catch (AssertionError e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    public int port() {
        return port;
    }

    /** The error log (and what nginx printed), for failure messages. */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String f : new String[] {"stdout.log", "error.log"}) {
            try {
                out.append(Files.readString(dir.resolve(f)));
            } catch (IOException e) {
                // not written
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        Processes.awaitExit(process);
    }
}
