package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /** Asks every process to stop, waits for each (killing what does not), then deletes their working directory. */
    public static void stopAll(List<Process> processes, Path dir) {
        processes.forEach(Process::destroy);
        processes.forEach(Processes::awaitExit);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left behind at worst
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
