package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) on a free loopback port, started by a test and
 * stopped after it: {@code initdb} into a temporary directory, {@code pg_ctl start} with the Unix socket in the same
 * directory, trust authentication, {@code fsync=off} (nothing here survives the test). As root (the CI machine),
 * {@code initdb} and {@code postgres} run as the {@code postgres} user, which owns the directory; as anyone else,
 * as that user. Where the binaries are missing the test is skipped, saying how to install them. Each test can take
 * a database of its own ({@link #createDatabase()}) so that one server serves a whole test class.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path INSTALL = Path.of("/usr/lib/postgresql");
    private static final long TIMEOUT_SECONDS = 60;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dir;
    private final int port;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Starts one, or skips the calling test when PostgreSQL is not installed. */
    public static PostgresServer start() {
        Path bin = binaries();
        Assumptions.assumeTrue(bin != null, "PostgreSQL is not installed; install it (apt-get install -y postgresql, "
                + "then pg_ctlcluster 15 main stop) to run the database tests");
        try {
            // under /tmp: the postgres user must be able to reach the directory, which it may not under target/
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "switchboard-pg");
            PostgresServer server = new PostgresServer(bin, dir, RedisServer.freePort());
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} that has initdb, or null. */
    private static Path binaries() {
        if (!Files.isDirectory(INSTALL)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(INSTALL)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                            .replaceAll("\\D", "0"))))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void launch() throws IOException {
        Path data = dir.resolve("data");
        if (root()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        run(asServerUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        serve();
    }

    private void serve() {
        Path data = dir.resolve("data");
        run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log")
                .toString(), "-w", "-t", Long.toString(TIMEOUT_SECONDS), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c max_connections=200", "start"));
    }

    private static List<String> asServerUser(String... command) {
        List<String> out = new ArrayList<>();
        if (root()) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(command));
        return out;
    }

    private String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + text
                        + "\n" + log());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String createDatabase() {
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /**
     * Runs SQL through a real {@code psql} process (a writer outside Java), stopping at the first error; returns its
     * output. {@code database} is the name in a URL from {@link #createDatabase()}.
     */
    public String psql(String jdbcUrl, String sql) {
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql));
    }

    /** Stops the server at once (no checkpoint), keeping its data for {@link #restart()}. */
    public void stop() {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                "-w", "stop"));
    }

    public void restart() {
        serve();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (AssertionError e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left behind at worst
        }
    }
}
