package dev.switchboard.testing;

import java.util.concurrent.TimeUnit;

/** Child processes of tests (nodes, nginx). */
public final class Processes {

    private Processes() {
    }

    /** Waits up to 10 s for a process that was asked to stop, then kills it. */
    public static void awaitExit(Process process) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Closes each of them that was started (nulls are skipped): nodes first, then what they use. */
    public static void closeAll(AutoCloseable... started) {
        for (AutoCloseable c : started) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError("could not close " + c, e);
                }
            }
        }
    }
}
