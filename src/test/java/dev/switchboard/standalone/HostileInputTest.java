package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.HostileScenarios;
import dev.switchboard.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile input against the standalone runner, with plain sockets (the same scenarios run in Tomcat and Payara). */
class HostileInputTest {

    private static Runner runner;
    private static HostileScenarios scenarios;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(HostileScenarios.SETTINGS), "127.0.0.1", 0, null);
        scenarios = new HostileScenarios(runner.baseUri());
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @Test
    void foreignOrigin() throws Exception {
        scenarios.foreignOriginIsRefusedBeforeTheUpgrade();
    }

    @Test
    void oversizeText() throws Exception {
        scenarios.oversizeTextClosesWith1009InOneFrameOrInFragments();
    }

    @Test
    void fragmentedAndLongText() throws Exception {
        scenarios.fragmentedAndLongMessagesAreAssembled();
    }

    @Test
    void limitIsUtf8BytesOfTheWholeMessage() throws Exception {
        scenarios.theLimitIsUtf8BytesOfTheWholeMessage();
    }

    @Test
    void binaryFrame() throws Exception {
        scenarios.binaryClosesWith1003();
    }

    @Test
    void invalidUtf8() throws Exception {
        scenarios.invalidUtf8ClosesWith1007();
    }

    @Test
    void unmaskedFrameClosesWith1002() throws Exception {
        scenarios.unmaskedFrame(true); // Tyrus accepts them; the runner's FrameGuard closes as RFC 6455 requires
    }

    @Test
    void badJsonAndUnknownTypes() throws Exception {
        scenarios.badJsonAndUnknownTypesGetErrorFramesAndTheConnectionStaysOpen();
    }

    @Test
    void messageFlood() throws Exception {
        scenarios.aMessageFloodIsLimitedThenClosedWith1008();
    }

    @Test
    void connectionFlood() throws Exception {
        scenarios.aConnectionFloodGets4429();
    }

    @Test
    void stalledHugeFrame() throws Exception {
        scenarios.aStalledHugeFrameIsClosed(1009);
    }

    @Test
    void abruptResetReleasesEverythingAndNothingSpins() throws Exception {
        int before = runner.switchboard().stats().connections.get();
        scenarios.anAbruptResetMidFrameReleasesEverything();
        Poll.until(() -> runner.switchboard().stats().connections.get() == before, "the reset connection released");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Poll.until(() -> System.nanoTime() - wallBefore > Duration.ofSeconds(2).toNanos(), "two quiet seconds");
        long cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1_000_000;
        assertTrue(cpuMillis < 1000, "an idle server uses little CPU after a reset (a spin would use ~2000 ms): " + cpuMillis);
        assertEquals(before, runner.switchboard().hub().connectionCount());
    }
}
