package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} on a free loopback port, started by a test and stopped after it: no persistence
 * ({@code --save '' --appendonly no}), its own directory. {@link #stop(boolean) stop(true)} saves the data first, so
 * that {@link #restart()} models a Redis that comes back with its data; {@code stop(false)} loses it. Where
 * redis-server is not installed the test is skipped (an assumption), saying how to install it.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private Process process;
    private boolean paused;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one, or skips the calling test when redis-server is missing. */
    public static RedisServer start() {
        Assumptions.assumeTrue(installed(), "redis-server is not on the PATH; install it (apt-get install redis-server) "
                + "to run the Redis cluster tests");
        try {
            RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("switchboard-redis"));
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    /** Below Linux's ephemeral range (32768-60999 by default): connect() never takes these. */
    private static final int PORTS_FROM = 20_000;
    private static final int PORTS_TO = 32_767;
    /** Ports {@link #freePort} handed out (or found taken) in this JVM. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A loopback port that is free now, for a child process to bind a few seconds later. Not {@code new
     * ServerSocket(0)}: that hands out a port of the ephemeral range, from which every outgoing connection on the
     * machine takes its local port, and while a container boots (seconds) the tests and builds running beside it open
     * thousands of connections: the child then failed to bind, or its port answered for someone else (the
     * MixedContainerClusterIT "port" flakes). A random port below that range collides only with another probe.
     * No port is handed out twice in one JVM: two nodes started one after the other each probe before either has
     * bound, and both once got the same port (the second failed to bind, and the first answered for it:
     * TwoNodeClusterIT saw one node where it had started two).
     */
    public static int freePort() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(PORTS_FROM, PORTS_TO + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in " + PORTS_FROM + "-" + PORTS_TO);
    }

    private void launch() throws IOException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", "redis.log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Poll.until(this::answers, "redis-server answers PING on port " + port, START_TIMEOUT);
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new AssertionError("redis-server exited with " + process.exitValue() + "; see " + dir);
        }
        try (Jedis jedis = client()) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** {@code redis://127.0.0.1:PORT} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A new plain client (close it). */
    public Jedis client() {
        return new Jedis(new HostAndPort("127.0.0.1", port), redis.clients.jedis.DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000).socketTimeoutMillis(5000).build());
    }

    /**
     * Pauses the server process (SIGSTOP), as a stalled host or a long fork would: connections stay open, what
     * clients send waits in the socket buffers and runs when it {@link #resume}s. Always resume it (close does).
     */
    public void pause() {
        signal("-STOP");
        paused = true;
    }

    /** Lets a {@link #pause}d server run again (SIGCONT). */
    public void resume() {
        if (paused) {
            signal("-CONT");
            paused = false;
        }
    }

    private void signal(String which) {
        try {
            Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill " + which + " of redis-server " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Stops the server; with {@code keepData} it writes its data first, for {@link #restart()} to load; without, any
     * snapshot written before is deleted too, so that the restarted server is empty.
     */
    public void stop(boolean keepData) {
        if (process == null || !process.isAlive()) {
            return;
        }
        resume(); // a paused server would not answer SHUTDOWN
        try (Jedis jedis = client()) {
            jedis.sendCommand(Protocol.Command.SHUTDOWN, keepData ? "SAVE" : "NOSAVE");
        } catch (JedisException e) {
            // the server closes the connection as it exits
        }
        try {
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (!keepData) {
            try { // a snapshot an earlier stop(true) left must not come back: the data is lost
                Files.deleteIfExists(dir.resolve("dump.rdb"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts it again on the same port and directory (with the data saved by {@code stop(true)}). */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop(false);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left behind at worst
        }
    }
}
