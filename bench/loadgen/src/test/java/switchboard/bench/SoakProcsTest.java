package switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The thread and descriptor trend: fitted within each incarnation of a node, so restarts neither hide nor make one. */
class SoakProcsTest {
    private static SoakProcs procs() {
        return new SoakProcs(new Opts(new String[] {"soak", "--proc-settle", "30"}), () -> -1, () -> -1);
    }

    @Test
    void flatSeriesWithRestartsAtOtherLevelsHaveNoSlope() {
        SoakProcs p = procs();
        for (int s = 0; s < 1800; s += 5) { // a restart every 600 s, each incarnation at its own level, one noisy sample
            long pid = 100 + s / 600, level = 40 + 7 * (s / 600);
            p.add(0, s, pid, level + (s % 60 == 0 ? 3 : 0), 80 - 5 * (s / 600));
        }
        SoakProcs.Trend threads = p.trend(0, 0), fds = p.trend(0, 1);
        assertEquals(0, threads.slope(), 0.05);
        assertEquals(0, fds.slope(), 1e-9);
        assertEquals(3, threads.incarnations());
        assertTrue(threads.span() > 29 && threads.span() < 30.1, "span " + threads.span());
    }

    @Test
    void aLeakInsideEachIncarnationIsFoundAcrossRestarts() {
        SoakProcs p = procs();
        for (int s = 0; s < 1800; s += 5) p.add(0, s, 100 + s / 600, 40 + (s % 600) / 60, 50); // +1 thread a minute, reset by each restart
        assertEquals(1.0, p.trend(0, 0).slope(), 0.05);
        assertEquals(0, p.trend(0, 1).slope(), 1e-9);
    }

    @Test
    void theFirstSecondsOfARestartedIncarnationAreLeftOut() {
        SoakProcs p = procs();
        for (int s = 0; s < 600; s += 5) p.add(1, s, 7, 60, 90);
        for (int s = 600; s < 1200; s += 5) p.add(1, s, 8, s < 630 ? 30 + (s - 600) : 60, 90); // a reconnect burst, then flat
        SoakProcs.Trend t = p.trend(1, 0);
        assertEquals(0, t.slope(), 1e-9);
        assertEquals(120 + 114, t.n());
    }
}
