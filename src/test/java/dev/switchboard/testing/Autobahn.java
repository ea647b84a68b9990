package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the Autobahn TestSuite fuzzing client (RFC 6455 conformance) against a WebSocket echo endpoint,
 * in a child JVM with a hard timeout, and returns the verdict of every case.
 *
 * <h2>How it works</h2>
 * Maven Central's {@code me.normanmaurer.maven.autobahntestsuite:autobahntestsuite-maven-plugin:0.1.5}
 * jar holds the testsuite's Python sources (autobahntestsuite 0.5.6, autobahn 0.6.4, Twisted 13.0,
 * zope.interface) at its root; {@code org.python:jython-standalone:2.7.1} runs them on Java 17 from
 * the classpath ({@code __pyclasspath__}). The plugin's own Java entry point
 * ({@code AutobahnTestSuite.runFuzzingClient}) runs Jython in the calling JVM, writes to the fixed,
 * CWD-relative {@code target/autobahntestsuite-reports}, sends its stderr to a null stream, cannot be
 * stopped when the suite hangs (it does on a refused handshake), and passes {@code failByDrop} outside
 * {@code options} where the suite ignores it. So this class does not use it: it writes a spec file
 * and a small Jython driver ({@code autobahn_driver.py}, a resource beside this class) into
 * {@code reportDir} and starts
 * <pre>
 *   $JAVA_HOME/bin/java -Xmx512m -cp jython-standalone-2.7.1.jar:autobahntestsuite-maven-plugin-0.1.5.jar \
 *       org.python.util.jython autobahn_driver.py fuzzingclient.json results.tsv DEADLINE_MS
 * </pre>
 * The driver appends one line per finished case to {@code results.tsv} (so a killed run still shows how
 * far it got), exits with 3 on a refused handshake instead of hanging, and exits itself at the deadline
 * even if this JVM died. This class also kills the child (and its descendants) at the timeout.
 * The suite writes its usual report ({@code index.html}, {@code index.json}, one JSON/HTML per case)
 * into {@code reportDir}; the child's output goes to {@code reportDir/wstest.log}, and
 * {@link Result#summary()} to {@code reportDir/summary.txt}.
 *
 * <p>The two jars are found, in this order: system property {@code autobahn.classpath}; the classes
 * {@code org.python.util.jython} and {@code me.normanmaurer.maven.autobahntestsuite.AutobahnTestSuite}
 * on this JVM's classpath (declare both as test dependencies); the local Maven repository
 * ({@code maven.repo.local} or {@code ~/.m2/repository}).
 *
 * <p>The fuzzing client sends no {@code Origin} header unless {@link Options#origin} is set (the spec's
 * per-server {@code origin}), and offers subprotocols only from {@link Options#protocols}.
 */
public final class Autobahn {

    public static final String JYTHON = "org.python:jython-standalone:2.7.1";
    public static final String SUITE = "me.normanmaurer.maven.autobahntestsuite:autobahntestsuite-maven-plugin:0.1.5";

    private Autobahn() {
    }

    /** Verdicts used by the suite ("NON-STRICT" and "WRONG CODE" as spelt in its reports). */
    public enum Behavior {
        OK, NON_STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED, WRONG_CODE, UNCLEAN, FAILED_BY_CLIENT, UNKNOWN;

        public static Behavior parse(String s) {
            if (s == null || s.isBlank()) {
                return UNKNOWN;
            }
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }

        /** The suite's own notion of a pass: OK, NON-STRICT, INFORMATIONAL (and UNIMPLEMENTED for compression). */
        public boolean acceptable() {
            return this == OK || this == NON_STRICT || this == INFORMATIONAL || this == UNIMPLEMENTED;
        }

        public String label() {
            return name().replace('_', this == NON_STRICT ? '-' : ' ');
        }
    }

    /**
     * One case.
     *
     * @param result      the suite's explanation of {@code behavior} (e.g. "Actual events match at least one expected.")
     * @param resultClose the suite's explanation of {@code behaviorClose}
     */
    public record CaseResult(String id, Behavior behavior, Behavior behaviorClose, long durationMs,
                             Integer remoteCloseCode, String remoteCloseReason, String result, String resultClose,
                             String wasNotCleanReason, boolean wasClean) {
        /** OK on both counts, or an outcome the suite itself does not count as a failure. */
        public boolean acceptable() {
            return behavior.acceptable() && (behaviorClose.acceptable() || behaviorClose == Behavior.UNKNOWN);
        }

        public boolean ok() {
            return behavior == Behavior.OK && behaviorClose == Behavior.OK;
        }

        @Override
        public String toString() {
            return id + " " + behavior.label() + "/" + behaviorClose.label() + " " + durationMs + "ms"
                    + (remoteCloseCode == null ? "" : " close=" + remoteCloseCode)
                    + (remoteCloseReason == null || remoteCloseReason.isEmpty() ? "" : " \"" + remoteCloseReason + "\"")
                    + (ok() ? "" : " -- " + result + (behaviorClose == Behavior.OK ? "" : " / " + resultClose)
                                    + (wasNotCleanReason == null || wasNotCleanReason.isEmpty() ? "" : " / " + wasNotCleanReason));
        }
    }

    /** How the run ended. */
    public enum Outcome {
        /** every selected case ran and the report was written */
        COMPLETED,
        /** the server refused the opening handshake (wrong path, Origin check, authentication...) */
        HANDSHAKE_FAILED,
        /** the hard timeout struck; {@code cases} holds the cases finished by then */
        TIMED_OUT,
        /** the child JVM failed (see the log) */
        ERROR
    }

    public record Result(String agent, URI url, Outcome outcome, int exitCode, List<CaseResult> cases,
                         Duration elapsed, Path reportDir, Path log, String detail) {

        public boolean completed() {
            return outcome == Outcome.COMPLETED;
        }

        public List<CaseResult> notOk() {
            return cases.stream().filter(c -> !c.ok()).toList();
        }

        /** Cases the suite counts as failed (FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, ...). */
        public List<CaseResult> failed() {
            return cases.stream().filter(c -> !c.acceptable()).toList();
        }

        public CaseResult get(String id) {
            return cases.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
        }

        public Map<Behavior, Long> counts() {
            Map<Behavior, Long> m = new EnumMap<>(Behavior.class);
            for (CaseResult c : cases) {
                m.merge(c.behavior(), 1L, Long::sum);
            }
            return m;
        }

        /** Multi-line summary: outcome, counts, time and every case that is not OK/OK. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append("Autobahn ").append(agent).append(" ").append(url).append(": ").append(outcome)
                    .append(", ").append(cases.size()).append(" cases in ").append(elapsed.toMillis()).append(" ms, ")
                    .append(counts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
                            .collect(Collectors.joining(", ")));
            if (detail != null && !detail.isEmpty()) {
                sb.append("\n  ").append(detail);
            }
            for (CaseResult c : notOk()) {
                sb.append("\n  ").append(c);
            }
            sb.append("\n  report: ").append(reportDir.resolve("index.html"));
            return sb.toString();
        }

        /** Throws an AssertionError listing the failed cases, unless their ids are allowed. */
        public Result assertNoFailuresExcept(String... allowedIds) {
            List<String> allowed = List.of(allowedIds);
            List<CaseResult> bad = failed().stream().filter(c -> !allowed.contains(c.id())).toList();
            if (!completed() || !bad.isEmpty()) {
                throw new AssertionError(summary());
            }
            return this;
        }
    }

    /**
     * Run options; immutable.
     *
     * @param origin          Origin header to send (null: none)
     * @param protocols       subprotocols to offer (empty: none)
     * @param protocolOptions the suite's protocol options ({@code options} in the spec); defaults to
     *                        {@code failByDrop=false}, as the suite's documentation recommends for testing servers
     * @param jvmArgs         extra child-JVM arguments (default {@code -Xmx512m}; group 9 needs several GB)
     * @param classpath       the two jars; null = found as described on the class
     */
    public record Options(String origin, List<String> protocols, Map<String, Object> protocolOptions,
                          List<String> jvmArgs, List<Path> classpath) {
        public static Options defaults() {
            return new Options(null, List.of(), Map.of("failByDrop", false), List.of("-Xmx512m"), null);
        }
        public Options withOrigin(String o) {
            return new Options(o, protocols, protocolOptions, jvmArgs, classpath);
        }
        public Options withProtocols(List<String> p) {
            return new Options(origin, List.copyOf(p), protocolOptions, jvmArgs, classpath);
        }
        public Options withProtocolOptions(Map<String, Object> o) {
            return new Options(origin, protocols, Map.copyOf(o), jvmArgs, classpath);
        }
        public Options withJvmArgs(List<String> a) {
            return new Options(origin, protocols, protocolOptions, List.copyOf(a), classpath);
        }
        public Options withClasspath(List<Path> cp) {
            return new Options(origin, protocols, protocolOptions, jvmArgs, List.copyOf(cp));
        }
    }

    /**
     * Runs the fuzzing client.
     *
     * @param agentName name of the server in the report (e.g. "Tyrus-2.1.6")
     * @param echoUrl   an endpoint that echoes text and binary messages (cases 1-7, 9, 10, 12, 13 expect it)
     * @param cases     case patterns, e.g. {@code List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*")}
     * @param excludes  case patterns to leave out
     * @param reportDir where the report goes (created; e.g. {@code target/autobahn/tyrus})
     * @param timeout   hard limit for the whole run, child JVM start included
     */
    public static Result run(String agentName, URI echoUrl, List<String> cases, List<String> excludes,
                             Path reportDir, Duration timeout) throws IOException, InterruptedException {
        return run(agentName, echoUrl, cases, excludes, reportDir, timeout, Options.defaults());
    }

    public static Result run(String agentName, URI echoUrl, List<String> cases, List<String> excludes,
                             Path reportDir, Duration timeout, Options options) throws IOException, InterruptedException {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(echoUrl, "echoUrl");
        Path dir = reportDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path spec = dir.resolve("fuzzingclient.json");
        Path results = dir.resolve("results.tsv");
        Path driver = dir.resolve("autobahn_driver.py");
        Path log = dir.resolve("wstest.log");
        Files.deleteIfExists(results);
        Files.deleteIfExists(dir.resolve("index.json"));

        Map<String, Object> server = new LinkedHashMap<>();
        server.put("agent", agentName);
        server.put("url", echoUrl.toString());
        if (options.origin() != null) {
            server.put("origin", options.origin());
        }
        if (!options.protocols().isEmpty()) {
            server.put("protocols", options.protocols());
        }
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("outdir", dir.toString());
        specMap.put("options", options.protocolOptions());
        specMap.put("servers", List.of(server));
        specMap.put("cases", cases);
        specMap.put("exclude-cases", excludes == null ? List.of() : excludes);
        specMap.put("exclude-agent-cases", Map.of());
        Files.writeString(spec, toJson(specMap), StandardCharsets.UTF_8);
        try (InputStream in = Autobahn.class.getResourceAsStream("autobahn_driver.py")) {
            if (in == null) {
                throw new IllegalStateException("resource autobahn_driver.py missing next to " + Autobahn.class.getName());
            }
            Files.write(driver, in.readAllBytes());
        }

        List<Path> cp = options.classpath() != null ? options.classpath() : findClasspath();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options.jvmArgs());
        cmd.add("-Dpython.cachedir.skip=true");
        cmd.add("-Dpython.console.encoding=UTF-8");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-cp");
        cmd.add(cp.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        cmd.add("org.python.util.jython");
        cmd.add(driver.toString());
        cmd.add(spec.toString());
        cmd.add(results.toString());
        cmd.add(Long.toString(Math.max(1000, timeout.toMillis() - 2000)));

        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        Thread killer = new Thread(() -> kill(p), "autobahn-child-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (p.isAlive()) {
                kill(p);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        int exit = finished ? p.exitValue() : -1;

        List<CaseResult> caseResults = new ArrayList<>();
        boolean done = false;
        String handshakeFailure = null;
        if (Files.exists(results)) {
            for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
                if (line.equals("#done")) {
                    done = true;
                } else if (line.startsWith("#handshake-failed")) {
                    handshakeFailure = line.substring(line.indexOf('\t') + 1);
                } else if (!line.isBlank()) {
                    caseResults.add(parseLine(line));
                }
            }
        }
        Outcome outcome;
        String detail = "";
        if (handshakeFailure != null || exit == 3) {
            outcome = Outcome.HANDSHAKE_FAILED;
            detail = "handshake failed: " + handshakeFailure + logTail(log);
        } else if (!finished || exit == 124) {
            outcome = Outcome.TIMED_OUT;
            detail = "timed out after " + timeout + " (" + caseResults.size() + " cases finished)" + logTail(log);
        } else if (exit == 0 && done) {
            outcome = Outcome.COMPLETED;
        } else {
            outcome = Outcome.ERROR;
            detail = "child JVM exit " + exit + logTail(log);
        }
        Result result = new Result(agentName, echoUrl, outcome, exit, Collections.unmodifiableList(caseResults),
                elapsed, dir, log, detail);
        Files.writeString(dir.resolve("summary.txt"), result.summary() + "\n", StandardCharsets.UTF_8);
        return result;
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CaseResult parseLine(String line) {
        String[] f = line.split("\t", -1);
        String[] v = new String[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < f.length ? f[i] : "";
        }
        Integer code = null;
        if (!v[4].isEmpty() && !v[4].equals("None")) {
            try {
                code = Integer.valueOf(v[4]);
            } catch (NumberFormatException ignored) {
                // leave null
            }
        }
        long duration = 0;
        try {
            duration = Long.parseLong(v[3]);
        } catch (NumberFormatException ignored) {
            // leave 0
        }
        return new CaseResult(v[0], Behavior.parse(v[1]), Behavior.parse(v[2]), duration, code,
                v[5].equals("None") ? "" : v[5], v[6], v[7], v[8].equals("None") ? "" : v[8], v[9].equals("True"));
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n  log (" + log + ") ends:\n    "
                    + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Classpath
    // ------------------------------------------------------------------------------------------------

    /** The jython-standalone and autobahntestsuite-maven-plugin jars, found as described on the class. */
    public static List<Path> findClasspath() {
        String prop = System.getProperty("autobahn.classpath");
        if (prop != null && !prop.isBlank()) {
            return List.of(prop.split(File.pathSeparator)).stream().map(Path::of).toList();
        }
        Path jython = jarOf("org.python.util.jython");
        Path suite = jarOf("me.normanmaurer.maven.autobahntestsuite.AutobahnTestSuite");
        Path repo = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        if (jython == null) {
            jython = repo.resolve("org/python/jython-standalone/2.7.1/jython-standalone-2.7.1.jar");
        }
        if (suite == null) {
            suite = repo.resolve("me/normanmaurer/maven/autobahntestsuite/autobahntestsuite-maven-plugin/0.1.5/"
                    + "autobahntestsuite-maven-plugin-0.1.5.jar");
        }
        for (Path p : List.of(jython, suite)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("Autobahn needs " + JYTHON + " and " + SUITE
                        + " (test dependencies, or -Dautobahn.classpath=a.jar:b.jar); missing: " + p);
            }
        }
        return List.of(jython, suite);
    }

    private static Path jarOf(String className) {
        try {
            Class<?> c = Class.forName(className, false, Autobahn.class.getClassLoader());
            var src = c.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI());
        } catch (ClassNotFoundException | java.net.URISyntaxException | LinkageError | SecurityException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Minimal JSON writer for the spec
    // ------------------------------------------------------------------------------------------------

    static String toJson(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Boolean || o instanceof Number) {
            return o.toString();
        }
        if (o instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> toJson(String.valueOf(e.getKey())) + ": " + toJson(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (o instanceof List<?> l) {
            return l.stream().map(Autobahn::toJson).collect(Collectors.joining(", ", "[", "]"));
        }
        String s = o.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
