package dev.switchboard.core;

/**
 * A token bucket per connection: {@code ratePerSecond} frames sustained, {@code rateBurst} at once. Past it a frame
 * is refused with an error; past {@code rateStrikes} refusals the connection is closed (1008): sustained abuse.
 */
final class RateLimit {

    /** What a frame gets. */
    enum Verdict { PASS, REFUSE, CLOSE }

    /** One connection's bucket; only touched by the thread delivering its frames (one at a time per connection). */
    static final class Bucket {
        private double tokens;
        private long atMillis;
        private int strikes;

        Bucket(double tokens, long atMillis) {
            this.tokens = tokens;
            this.atMillis = atMillis;
        }
    }

    private final double perSecond;
    private final double burst;
    private final int strikes;

    RateLimit(double perSecond, double burst, int strikes) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.strikes = strikes;
    }

    Bucket bucket(long nowMillis) {
        return new Bucket(burst, nowMillis);
    }

    double perSecond() {
        return perSecond;
    }

    Verdict take(Bucket b, long nowMillis) {
        b.tokens = Math.min(burst, b.tokens + (nowMillis - b.atMillis) * perSecond / 1000.0);
        b.atMillis = nowMillis;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return Verdict.PASS;
        }
        return ++b.strikes > strikes ? Verdict.CLOSE : Verdict.REFUSE;
    }
}
