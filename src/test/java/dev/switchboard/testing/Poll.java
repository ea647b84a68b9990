package dev.switchboard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that has no event to await (a counter, a process state), with a deadline. */
public final class Poll {

    private Poll() {
    }

    public static void until(BooleanSupplier condition, String what) {
        until(condition, what, Duration.ofSeconds(20));
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
