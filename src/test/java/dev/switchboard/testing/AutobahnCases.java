package dev.switchboard.testing;


import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 5: the Autobahn TestSuite cases every server of Switchboard must pass (README "Conformance"), and the check
 * shared by {@code standalone.AutobahnTest} and {@code it.AutobahnIT}.
 */
public final class AutobahnCases {

    /** Framing, pings/pongs, reserved bits/opcodes, fragmentation, UTF-8, close handling, auto-fragmentation. */
    public static final List<String> CORE = List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*");

    /** Cases in {@link #CORE}. */
    public static final int CORE_CASES = 247;

    /**
     * Hard limit for one run: 25-60 s of cases plus 5-30 s of Jython start measured here; the rest is room for a
     * loaded machine. The child JVM is killed when it strikes.
     */
    public static final Duration TIMEOUT = Duration.ofSeconds(
            Long.getLong("autobahn.timeoutSeconds", 300));

    /**
     * Cases the suite counts as failed (FAILED, WRONG CODE, UNCLEAN) that are a container's doing and that the
     * application cannot fix, by server; each one is in the README's table. None in {@link #CORE} so far: the
     * non-strict and informational verdicts there are passes.
     */
    public static final Map<String, List<String>> KNOWN_CONTAINER_FAILURES = Map.of(
            "standalone", List.of(),
            "tomcat", List.of());

    private AutobahnCases() {
    }

    /** {@code target/autobahn/<server>} */
    public static Path reportDir(String server) {
        return Path.of("target", "autobahn", server);
    }

    /** {@code ws://} (or {@code wss://}) form of an http(s) URI. */
    public static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    /**
     * Runs {@link #CORE} against {@code echo} and fails on any case that is not a pass (other than the known
     * container failures of {@code server}), on a refused handshake, on a crash and on the timeout.
     */
    public static Autobahn.Result runAndCheck(String server, String agent, URI echo) throws Exception {
        Autobahn.Result r = Autobahn.run(agent, echo, CORE, List.of(), reportDir(server), TIMEOUT);
        System.out.println(r.summary());
        if (r.outcome() == Autobahn.Outcome.TIMED_OUT) {
            throw new AssertionError("Autobahn did not finish within " + TIMEOUT + " (-Dautobahn.timeoutSeconds="
                    + "N raises it); the last line of results.tsv is the last case that finished.\n" + r.summary());
        }
        List<String> known = KNOWN_CONTAINER_FAILURES.getOrDefault(server, List.of());
        List<Autobahn.CaseResult> ours = r.failed().stream().filter(c -> !known.contains(c.id())).toList();
        if (!ours.isEmpty()) {
            throw new AssertionError(ours.size() + " Autobahn case(s) failed on " + server + ": "
                    + ours.stream().map(Autobahn.CaseResult::id).collect(Collectors.joining(", "))
                    + " (a container behaviour the application cannot fix belongs in README \"Conformance\" and"
                    + " AutobahnCases.KNOWN_CONTAINER_FAILURES)\n" + r.summary());
        }
        r.assertNoFailuresExcept(known.toArray(String[]::new));
        if (r.cases().size() != CORE_CASES) {
            throw new AssertionError("expected " + CORE_CASES + " cases, ran " + r.cases().size() + "\n" + r.summary());
        }
        return r;
    }
}
