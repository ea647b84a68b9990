package switchboard.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * State shared by the driver and the selector threads. The driver writes the volatile fields; the
 * loops read them on every delivery (a plain load on x86).
 */
final class Bench {
    final InetSocketAddress addr;
    final String host;        // Host header
    /** Cluster: the second node (same context path), or null. */
    InetSocketAddress addrB;
    String hostB, basePathB;
    final String basePath;    // context path, "" or "/switchboard"
    final URI httpBase;       // http://host:port/ctx
    final InetAddress[] srcAddrs; // empty: let the kernel choose
    final byte[] nonce;       // makes every ref of this run unique (servers de-duplicate by ref)
    final long base = System.nanoTime();
    final int textChars;
    /** Chat: every member reports reading ({@code read}, chat 1.1) after this many messages received; 0: never. */
    volatile int readEvery;
    final String topic;
    /** Offer permessage-deflate in every handshake, as browsers do ({@code --deflate}). */
    volatile boolean deflate;
    byte[][] roomNames = new byte[0][];

    volatile int step;
    volatile long measureStart = Long.MAX_VALUE, measureEnd = Long.MAX_VALUE;
    /** Deliveries one message to room r produces (its member count, sender included). */
    volatile int[] roomMembers = new int[0];
    /** Storm: the offset a reconnecting client must reach to count as recovered. */
    volatile long[] roomTarget = new long[0];
    volatile long stormStart;
    volatile int connectWindow = 256; // per loop
    volatile long retryDeadline;      // reconnect retries (storm) stop after this nanoTime

    /** Soak: a connection the server closed or lost reconnects (with backoff) and recovers with {@code since}. */
    volatile boolean reconnect;
    /** Soak: topic names by index (a notification connection's {@code room}); empty: every subscriber takes {@link #topic}. */
    String[] topicNames = new String[0];
    /** Soak: a whisperer sends one whisper after every this many of its room messages. */
    volatile int whisperEvery = 1;

    final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    volatile Throwable fatal;

    Bench(URI url, InetAddress[] srcAddrs, int textChars, String topic) {
        String h = url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : ("wss".equals(url.getScheme()) ? 443 : 80);
        this.addr = new InetSocketAddress(h, port);
        this.host = h + ":" + port;
        this.basePath = contextPath(url);
        this.httpBase = URI.create("http://" + host + basePath);
        this.srcAddrs = srcAddrs;
        this.nonce = Long.toString(System.currentTimeMillis() % 100_000_000L, 36).getBytes(StandardCharsets.US_ASCII);
        this.textChars = textChars;
        this.topic = topic;
    }

    /** Cluster: connections placed on {@code url} get there instead (a WAR's context path, or none). */
    void secondNode(URI url) {
        int port = url.getPort() > 0 ? url.getPort() : 80;
        this.addrB = new InetSocketAddress(url.getHost(), port);
        this.hostB = url.getHost() + ":" + port;
        this.basePathB = contextPath(url);
    }

    /** http://host:port/ctx of the second node. */
    URI httpBaseB() {
        return URI.create("http://" + hostB + basePathB);
    }

    private static String contextPath(URI url) {
        String p = url.getPath() == null ? "" : url.getPath();
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }

    void setRooms(int n) {
        roomNames = new byte[n][];
        for (int i = 0; i < n; i++) roomNames[i] = ("r" + i).getBytes(StandardCharsets.US_ASCII);
        roomMembers = new int[n];
        roomTarget = new long[n];
    }

    void countError(String code) {
        errorCodes.computeIfAbsent(code == null ? "?" : code, k -> new LongAdder()).increment();
    }

    void countClose(int code) {
        closeCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    static String summarize(Map<?, LongAdder> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v.sum()));
        return sb.toString();
    }
}
