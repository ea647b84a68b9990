package dev.switchboard.store;

/** The storage's health: up, or degraded with a reason (no secrets in it: it may be shown to operators). */
public record Health(boolean up, String problem) {

    public static final Health UP = new Health(true, null);

    public static Health degraded(String problem) {
        return new Health(false, problem);
    }

    /** "UP", or "DEGRADED: reason". */
    @Override
    public String toString() {
        return up ? "UP" : "DEGRADED: " + problem;
    }
}
