package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters on free loopback ports (no replicas, no persistence), each redis-server in
 * its own directory, joined with {@code redis-cli --cluster create}; stopped and deleted by {@link #close}. Where
 * redis-server or redis-cli is not installed the test is skipped, saying how to install them.
 */
public final class RedisClusterServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private RedisClusterServer(Path dir) {
        this.dir = dir;
    }

    public static RedisClusterServer start() {
        Assumptions.assumeTrue(onPath("redis-server") && onPath("redis-cli"), "redis-server and redis-cli are not on "
                + "the PATH; install them (apt-get install redis-server) to run the Redis Cluster tests");
        RedisClusterServer cluster = null;
        try {
            cluster = new RedisClusterServer(Files.createTempDirectory("switchboard-redis-cluster"));
            cluster.launch();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private void launch() throws IOException {
        for (int i = 0; i < 3; i++) {
            int port = RedisServer.freePort();
            // The cluster bus listens on a port of its own: by default port + 10000, which for most of freePort's
            // range lies in Linux's ephemeral range, where an outgoing connection of anything on the machine may hold
            // it (CI run c86: the node on 23100 never answered). Its own free port, below that range, instead.
            int bus = RedisServer.freePort();
            Path home = Files.createDirectories(dir.resolve("node-" + port));
            processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", Integer.toString(bus),
                    "--cluster-config-file", "nodes.conf", "--save", "",
                    "--appendonly", "no", "--dir", home.toString(), "--logfile", "redis.log")
                    .redirectErrorStream(true).redirectOutput(home.resolve("stdout.log").toFile()).start());
            ports.add(port);
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            Process node = processes.get(i);
            Poll.until(() -> {
                if (!node.isAlive()) { // say why at once instead of waiting out the timeout
                    throw new AssertionError("redis-server on port " + port + " exited: " + log(port));
                }
                return answers(port);
            }, "redis-server answers PING on port " + port, START_TIMEOUT);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process cli = new ProcessBuilder(create).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!cli.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || cli.exitValue() != 0) {
                throw new AssertionError("redis-cli --cluster create failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        for (int port : ports) {
            Poll.until(() -> clusterOk(port), "the cluster is ok on port " + port, START_TIMEOUT);
        }
    }

    /** The end of a node's log file, for a failure message. */
    private String log(int port) {
        try {
            String log = Files.readString(dir.resolve("node-" + port).resolve("redis.log"));
            return log.substring(Math.max(0, log.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean answers(int port) {
        try (Jedis jedis = client(port)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    private boolean clusterOk(int port) {
        try (Jedis jedis = client(port)) {
            return jedis.clusterInfo().contains("cluster_state:ok");
        } catch (JedisException e) {
            return false;
        }
    }

    /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2} (two of the three: the cluster names the third). */
    public String url() {
        return "redis-cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** A plain client of one master (close it). */
    public Jedis client(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port), redis.clients.jedis.DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000).socketTimeoutMillis(5000).build());
    }

    /** Empties every master. */
    public void flushAll() {
        for (int port : ports) {
            try (Jedis jedis = client(port)) {
                jedis.flushAll();
            }
        }
    }

    @Override
    public void close() {
        Processes.stopAll(processes, dir);
    }
}
