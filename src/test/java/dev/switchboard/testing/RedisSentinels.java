package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A master, its replica and one Redis Sentinel watching them (quorum 1), all real redis-server processes on free
 * loopback ports, each in its own directory; stopped and deleted by {@link #close}. {@link #failover()} makes the
 * sentinel promote the replica. Where redis-server is not installed the test is skipped.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "switchboard";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int master;
    private int replica;
    private int sentinel;

    private RedisSentinels(Path dir) {
        this.dir = dir;
    }

    public static RedisSentinels start() {
        String path = System.getenv("PATH");
        boolean installed = path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "redis-server")));
        Assumptions.assumeTrue(installed, "redis-server is not on the PATH; install it (apt-get install redis-server) "
                + "to run the Redis Sentinel tests");
        RedisSentinels s = null;
        try {
            s = new RedisSentinels(Files.createTempDirectory("switchboard-redis-sentinel"));
            s.launch();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            if (s != null) {
                s.close();
            }
            throw e;
        }
    }

    private void launch() throws IOException {
        master = RedisServer.freePort();
        replica = RedisServer.freePort();
        sentinel = RedisServer.freePort();
        server("master", master);
        server("replica", replica, "--replicaof", "127.0.0.1", Integer.toString(master));
        Path home = Files.createDirectories(dir.resolve("sentinel"));
        Path conf = home.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + sentinel, "bind 127.0.0.1", "dir " + home,
                "sentinel monitor " + MASTER + " 127.0.0.1 " + master + " 1",
                "sentinel down-after-milliseconds " + MASTER + " 1000",
                "sentinel failover-timeout " + MASTER + " 5000", ""));
        processes.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(home.resolve("stdout.log").toFile()).start());
        for (int port : List.of(master, replica, sentinel)) {
            Poll.until(() -> answers(port), "redis answers PING on port " + port, START_TIMEOUT);
        }
        Poll.until(this::replicaKnown, "the sentinel knows the replica", START_TIMEOUT);
    }

    private void server(String name, int port, String... more) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", home.toString(), "--logfile", "redis.log"));
        command.addAll(List.of(more));
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("stdout.log").toFile()).start());
    }

    private static boolean answers(int port) {
        try (Jedis jedis = client(port)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    private boolean replicaKnown() {
        try (Jedis jedis = client(sentinel)) {
            List<Map<String, String>> replicas = jedis.sentinelReplicas(MASTER);
            return replicas.size() == 1 && !replicas.get(0).get("flags").contains("down")
                    && "ok".equals(replicas.get(0).get("master-link-status"));
        } catch (JedisException e) {
            return false;
        }
    }

    /** {@code redis-sentinel://127.0.0.1:SENTINEL/switchboard} */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinel + "/" + MASTER;
    }

    /** The port of the master the sentinel names now. */
    public int master() {
        try (Jedis jedis = client(sentinel)) {
            return HostAndPort.from(String.join(":", jedis.sentinelGetMasterAddrByName(MASTER))).getPort();
        }
    }

    public int replica() {
        return master() == master ? replica : master;
    }

    /**
     * Waits until the replica has everything, then has the sentinel promote it; returns once it is the master and
     * the old master follows it (until then the old master still takes writes, which the failover then loses: Redis
     * replicates asynchronously).
     */
    public void failover() {
        int before = master();
        try (Jedis jedis = client(before)) {
            jedis.waitReplicas(1, 5000);
        }
        try (Jedis jedis = client(sentinel)) {
            jedis.sentinelFailover(MASTER);
        }
        Poll.until(() -> master() != before, "the sentinel promoted the replica", START_TIMEOUT);
        int after = master();
        Poll.until(() -> role(after).contains("role:master"), "the replica is a master", START_TIMEOUT);
        Poll.until(() -> role(before).contains("role:slave"), "the old master follows the new one", START_TIMEOUT);
    }

    private static String role(int port) {
        try (Jedis jedis = client(port)) {
            return jedis.info("replication");
        } catch (JedisException e) {
            return "";
        }
    }

    public static Jedis client(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port), redis.clients.jedis.DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000).socketTimeoutMillis(5000).build());
    }

    /** Empties the master (the replica follows). */
    public void flushAll() {
        try (Jedis jedis = client(master())) {
            jedis.flushAll();
            jedis.waitReplicas(1, 5000);
        }
    }

    @Override
    public void close() {
        Processes.stopAll(processes, dir);
    }
}
