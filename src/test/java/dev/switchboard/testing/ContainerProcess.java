package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The shipped WAR in a real container started as a child process, outside Arquillian: Tomcat ({@code catalina.sh run}
 * on its own CATALINA_BASE) or Payara Micro ({@code java -jar payara-micro.jar --deploy}), on free loopback ports,
 * with {@code SWITCHBOARD_*} environment variables, its output in {@code target/mixed-cluster/NAME.log}. Every
 * process it starts carries a marker in its command line, so that {@link #leftovers()} can tell with {@code ps} that
 * nothing survived {@link #close()}, which kills the whole process tree.
 */
public final class ContainerProcess implements AutoCloseable {

    public static final Path TARGET = Path.of("target");
    private static final Path DIR = TARGET.resolve("mixed-cluster");
    private static final String MARKER = "-Dswitchboard.it.process=";
    /**
     * Payara Micro starts its services on one thread (AppServerStartup reads this property). With its default, several
     * threads, HK2 once threw a {@code ConcurrentModificationException} ({@code SystemDescriptor.invokeInstanceListeners})
     * while two of them created services: the web container did not start, and Payara logged {@link #PAYARA_BOOT_FAILED}
     * and kept running without listening (a CI run of 2026-12-06; containers.md). It boots as fast on one thread here
     * (7.7-7.9 s against 7.7-8.2 s to UP, three boots each).
     */
    public static final String PAYARA_SERIAL_STARTUP = "-Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS";
    /** What Payara logs when its boot failed; the process may live on, so {@link #awaitUp} looks for it. */
    private static final String PAYARA_BOOT_FAILED = "Failed to start, exiting";
    /**
     * Its own client, HTTP/1.1 only, short timeouts. With the address set post-boot, Payara Micro restarted its HTTP
     * listener during boot, and polling through the shared {@link Http} client (HTTP/2 upgrade, 10 s timeouts) that had
     * hit the listener mid-restart never saw UP although Payara was ready 80 s before the deadline.
     */
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final String marker;
    private final Process process;

    private ContainerProcess(String name, int port, Path log, String marker, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.marker = marker;
        this.process = process;
    }

    /** {@code target/apache-tomcat-*} as unpacked by the build (absent with -Dit.tomcat.skip on a clean build). */
    public static Optional<Path> tomcatHome() {
        try (Stream<Path> dirs = Files.list(TARGET)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("apache-tomcat-"))
                    .filter(d -> Files.isRegularFile(d.resolve("bin/catalina.sh"))).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code target/payara-micro.jar} as copied by the build (absent with -Dit.payara.skip on a clean build). */
    public static Optional<Path> payaraMicroJar() {
        return Optional.of(TARGET.resolve("payara-micro.jar")).filter(Files::isRegularFile);
    }

    /** {@code target/switchboard.war}. */
    public static Path war() {
        return Path.of(System.getProperty("switchboard.war", "target/switchboard.war"));
    }

    /** Skips the calling test, saying why, unless Tomcat, Payara Micro and the WAR are all in target/. */
    public static void assumeContainersPrepared() {
        Assumptions.assumeTrue(tomcatHome().isPresent(), "no target/apache-tomcat-*: the build did not unpack Tomcat "
                + "(-Dit.tomcat.skip?); run a plain mvn verify");
        Assumptions.assumeTrue(payaraMicroJar().isPresent(), "no target/payara-micro.jar: the build did not copy "
                + "Payara Micro (-Dit.payara.skip?); run a plain mvn verify");
        Assumptions.assumeTrue(Files.isRegularFile(war()), "no " + war() + ": package the WAR first");
    }

    /**
     * Tomcat from {@code target/apache-tomcat-*} with its own CATALINA_BASE ({@code target/mixed-cluster/NAME}): a
     * minimal server.xml (HTTP on 127.0.0.1:free port, no shutdown port), Tomcat's default web.xml, and the WAR as
     * {@code webapps/switchboard.war}.
     */
    public static ContainerProcess tomcat(String name, Map<String, String> environment) {
        try {
            Path home = tomcatHome().orElseThrow().toAbsolutePath();
            Path base = fresh(DIR.resolve(name)).toAbsolutePath();
            for (String sub : List.of("conf", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(sub));
            }
            int port = RedisServer.freePort();
            Files.writeString(base.resolve("conf/server.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Server port="-1" shutdown="SHUTDOWN">
                      <Service name="Catalina">
                        <Connector address="127.0.0.1" port="%d" protocol="HTTP/1.1" connectionTimeout="20000"/>
                        <Engine name="Catalina" defaultHost="localhost">
                          <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
                        </Engine>
                      </Service>
                    </Server>
                    """.formatted(port));
            Files.copy(home.resolve("conf/web.xml"), base.resolve("conf/web.xml"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(war(), base.resolve("webapps/switchboard.war"), StandardCopyOption.REPLACE_EXISTING);
            String marker = MARKER + name + "-" + UUID.randomUUID();
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run");
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.startsWith("CATALINA_") || k.equals("JAVA_OPTS"));
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("CATALINA_HOME", home.toString());
            env.put("CATALINA_BASE", base.toString());
            env.put("CATALINA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC " + marker);
            env.putAll(environment);
            return start(name, port, marker, builder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Payara Micro from {@code target/payara-micro.jar} deploying the WAR, bound to loopback only (containers.md
     * pitfall 7: a one-member tcpip data grid on 127.0.0.1, its own free port and cluster name), its files under
     * {@code target/mixed-cluster/NAME}. {@code src/run/payara/postboot.asadmin} (HTTP listener address 127.0.0.1) is
     * given as the PRE-boot command file: as a post-boot file, the listener first bound *:PORT for a few seconds and
     * was then restarted on 127.0.0.1 (seen with ss); pre-boot, it binds 127.0.0.1 once.
     */
    public static ContainerProcess payaraMicro(String name, Map<String, String> environment) {
        try {
            Path root = fresh(DIR.resolve(name)).toAbsolutePath();
            int port = RedisServer.freePort();
            int hzPort = RedisServer.freePort();
            while (hzPort == port) { // two probes for a free port may well return the same one: seen, Payara hung
                hzPort = RedisServer.freePort();
            }
            String marker = MARKER + name + "-" + UUID.randomUUID();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-Dhazelcast.socket.bind.any=false", PAYARA_SERIAL_STARTUP,
                    "-Djava.io.tmpdir=" + root, marker,
                    "-jar", payaraMicroJar().orElseThrow().toAbsolutePath().toString(),
                    "--deploy", war().toAbsolutePath().toString(),
                    "--port", Integer.toString(port),
                    "--interfaces", "127.0.0.1",
                    "--clustermode", "tcpip:127.0.0.1:" + hzPort,
                    "--startport", Integer.toString(hzPort),
                    "--clustername", "switchboard-mixed-" + hzPort,
                    "--prebootcommandfile", Path.of("src/run/payara/postboot.asadmin").toAbsolutePath().toString(),
                    "--rootdir", root.resolve("root").toString()));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
            builder.environment().putAll(environment);
            return start(name, port, marker, builder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static ContainerProcess start(String name, int port, String marker, ProcessBuilder builder) throws IOException {
        Path log = DIR.resolve(name + ".log");
        Files.writeString(log, "---- " + name + " on 127.0.0.1:" + port + ": " + String.join(" ", builder.command()) + "\n");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ContainerProcess(name, port, log, marker, builder.start());
    }

    /** Polls {@code /switchboard/api/health} until it says UP; fails with the output if the process exits or the deadline passes. */
    public ContainerProcess awaitUp(long deadlineNanos) {
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            if (bootFailed()) {
                throw new AssertionError(name + " failed to boot (\"" + PAYARA_BOOT_FAILED + "\"):\n" + tail());
            }
            try {
                HttpResponse<String> reply = PROBE.send(HttpRequest.newBuilder(http("api/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 200 && Scenarios.json(reply.body()).getString("status", "").equals("UP")) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet, or the listener is being reconfigured
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError(name + " not UP in time:\n" + tail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private boolean bootFailed() {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.anyMatch(line -> line.contains(PAYARA_BOOT_FAILED));
        } catch (IOException | UncheckedIOException e) {
            return false; // unreadable now: the health probe and the deadline still decide
        }
    }

    /** The context root, {@code http://127.0.0.1:PORT/switchboard/}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/switchboard/");
    }

    public URI http(String path) {
        return base().resolve(path);
    }

    public URI ws(String pathAndQuery) {
        return Scenarios.ws(base(), pathAndQuery);
    }

    public String name() {
        return name;
    }

    /** The last lines of the output. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Kills the process and every descendant (SIGKILL), and waits for them. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by leftovers()
            }
        }
    }

    /** Lines of {@code ps -eo pid,args} that still carry this process's marker (empty when all is gone). */
    public List<String> leftovers() {
        return Ps.matching(marker);
    }

    /** {@code ps} output, filtered. */
    public static final class Ps {
        private Ps() {
        }

        public static List<String> matching(String text) {
            try {
                Process ps = new ProcessBuilder("ps", "-eo", "pid=,args=").redirectErrorStream(true).start();
                String out = new String(ps.getInputStream().readAllBytes());
                ps.waitFor(10, TimeUnit.SECONDS);
                return out.lines().filter(l -> l.contains(text)).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
