package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.CloseCodeLoops;
import dev.switchboard.testing.CloseCodeLoops.Offence;
import dev.switchboard.testing.HandshakeLoops;
import dev.switchboard.testing.RequestLoops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every server-initiated close delivers its code on the standalone runner, idle and while streaming (see the loops). */
class CloseCodeLoopTest {

    private static Runner runner;
    private static CloseCodeLoops loops;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(CloseCodeLoops.SETTINGS), "127.0.0.1", 0, null);
        loops = new CloseCodeLoops(runner.baseUri());
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @ParameterizedTest
    @EnumSource(Offence.class)
    void idle(Offence offence) throws Exception {
        loops.loop(offence, false, CloseCodeLoops.iterations());
    }

    @ParameterizedTest
    @EnumSource(Offence.class)
    void streaming(Offence offence) throws Exception {
        loops.loop(offence, true, CloseCodeLoops.iterations());
    }

    @Test
    void closedWhileSending() throws Exception {
        loops.closedWhileSending(CloseCodeLoops.iterations());
    }

    @Test
    void closesBesideRequests() throws Exception {
        new RequestLoops(loops).closesBesideRequests(CloseCodeLoops.iterations(), 3, "api/health");
    }

    @Test
    void handshakesBesideCloses() throws Exception {
        new HandshakeLoops(loops).handshakesBesideCloses(CloseCodeLoops.iterations(), 6);
    }

    @Test
    void refusalsBesideOthers() throws Exception {
        loops.refusalsBesideOthers(CloseCodeLoops.iterations(), 3);
    }

    @Test
    void tokenExpiry() throws Exception {
        loops.tokenExpiry(CloseCodeLoops.iterations(), 30);
    }
}
