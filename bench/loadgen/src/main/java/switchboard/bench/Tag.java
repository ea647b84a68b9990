package switchboard.bench;

/**
 * The load generator's marker carried in a chat message's {@code text} (and in a notification's
 * {@code data.b}): {@code S<step>.<phase>.<sender>.<seq>.<t>.<padding>}, for example
 * {@code S3.M.7.1042.81234567890.xxxxxxxx}.
 * <ul>
 * <li>step: the sweep step the message was sent in (late arrivals from an earlier step are not counted
 * as this step's deliveries);</li>
 * <li>phase: {@code W} warm-up or {@code M} measured (only M messages go into the latency histogram);</li>
 * <li>sender: the sender's index within its room (per-sender order is checked by every receiver);</li>
 * <li>seq: 1, 2, 3 ... per sender for the whole run;</li>
 * <li>t: {@code System.nanoTime() - base} at send, in this process, so send and receive use one
 * monotonic clock.</li>
 * </ul>
 * A parser instance is reused (one per selector thread): {@link #parse} fills its fields.
 */
final class Tag {
    int step;
    byte phase;
    int sender;
    long seq;
    long t;

    boolean parse(byte[] b, int s, int e) {
        if (e - s < 11 || b[s] != 'S') return false;
        int i = s + 1;
        long v = 0;
        int start = i;
        while (i < e && b[i] != '.') { int d = b[i] - '0'; if (d < 0 || d > 9) return false; v = v * 10 + d; i++; }
        if (i == start || i + 2 >= e) return false;
        step = (int) v;
        phase = b[++i];
        if (b[++i] != '.') return false;
        i++;
        v = 0; start = i;
        while (i < e && b[i] != '.') { int d = b[i] - '0'; if (d < 0 || d > 9) return false; v = v * 10 + d; i++; }
        if (i == start || i >= e) return false;
        sender = (int) v;
        i++;
        v = 0; start = i;
        while (i < e && b[i] != '.') { int d = b[i] - '0'; if (d < 0 || d > 9) return false; v = v * 10 + d; i++; }
        if (i == start || i >= e) return false;
        seq = v;
        i++;
        v = 0; start = i;
        while (i < e && b[i] != '.') { int d = b[i] - '0'; if (d < 0 || d > 9) return false; v = v * 10 + d; i++; }
        if (i == start) return false;
        t = v;
        return true;
    }

    /** Writes a marker into {@code p} at {@code n}, padded with 'x' to at least {@code minChars}; returns the new end. */
    static int write(byte[] p, int n, int step, byte phase, int sender, long seq, long t, int minChars) {
        int s = n;
        p[n++] = 'S';
        n = putLong(p, n, step);
        p[n++] = '.';
        p[n++] = phase;
        p[n++] = '.';
        n = putLong(p, n, sender);
        p[n++] = '.';
        n = putLong(p, n, seq);
        p[n++] = '.';
        n = putLong(p, n, t);
        p[n++] = '.';
        while (n - s < minChars) p[n++] = 'x';
        return n;
    }

    static int putLong(byte[] p, int n, long v) {
        if (v == 0) { p[n++] = '0'; return n; }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) digits++;
        int end = n + digits;
        for (int i = end - 1; i >= n; i--) { p[i] = (byte) ('0' + (v % 10)); v /= 10; }
        return end;
    }

    static int put(byte[] p, int n, byte[] src) {
        System.arraycopy(src, 0, p, n, src.length);
        return n + src.length;
    }
}
