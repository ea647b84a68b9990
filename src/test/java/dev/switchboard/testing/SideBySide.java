package dev.switchboard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Loops of the close-code tests run side by side on threads of their own, and what each found wrong. */
final class SideBySide {

    private SideBySide() {
    }

    /** Runs {@code runs} on a thread each and waits for all; the first failure is thrown, the rest suppressed in it. */
    static void together(List<Callable<Void>> runs) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(runs.size());
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> run : runs) {
                futures.add(threads.submit(run));
            }
            Throwable first = null;
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    } else {
                        first.addSuppressed(e.getCause());
                    }
                }
            }
            if (first instanceof Exception e) {
                throw e;
            } else if (first instanceof Error e) {
                throw e;
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A loop of {@code share} iterations. */
    interface Lane {
        void run(int share) throws Exception;
    }

    /** {@code n} iterations of {@code lane} shared by {@code lanes} threads, as runs for {@link #together}. */
    static List<Callable<Void>> lanes(int n, int lanes, Lane lane) {
        return shares(n, lanes).stream().map(share -> (Callable<Void>) () -> {
            lane.run(share);
            return null;
        }).toList();
    }

    /** {@code n} iterations shared by {@code lanes} threads as evenly as they go; no lane without any. */
    private static List<Integer> shares(int n, int lanes) {
        List<Integer> shares = new ArrayList<>();
        for (int lane = 0; lane < lanes && lane < n; lane++) {
            shares.add(n / lanes + (lane < n % lanes ? 1 : 0));
        }
        return shares;
    }

    /** What each thread found wrong, in the order of the threads; rethrows a thread's failure. */
    static List<String> collect(List<Future<List<String>>> threads) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Future<List<String>> t : threads) {
            wrong.addAll(t.get());
        }
        return wrong;
    }
}
