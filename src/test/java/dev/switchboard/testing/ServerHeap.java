package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The live heap of a server JVM on this machine (a container the tests started), found by the local port it listens
 * on: {@code /proc/net/tcp*} gives the listening socket's inode, {@code /proc/PID/fd} the process that holds it, and
 * {@code jcmd PID GC.class_histogram} what is still reachable. Linux only; the JDK's {@code jcmd}.
 */
public final class ServerHeap {

    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final String LISTEN = "0A";

    private final long pid;

    private ServerHeap(long pid) {
        this.pid = pid;
    }

    /** The JVM that listens on {@code port} of this machine. */
    public static ServerHeap listeningOn(int port) throws IOException {
        String inode = listeningInode(port);
        if (inode == null) {
            throw new IOException("no socket listens on port " + port);
        }
        String link = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    if (fds.anyMatch(fd -> link.equals(readLink(fd)))) {
                        return new ServerHeap(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | SecurityException e) {
                    // a process that ended meanwhile, or one we may not look into
                }
            }
        }
        throw new IOException("no process holds the socket listening on port " + port);
    }

    public long pid() {
        return pid;
    }

    /**
     * Bytes of heap still reachable: the total of {@code GC.class_histogram}, which collects first and counts live
     * objects only (unlike {@code GC.heap_info} after {@code GC.run}, which also counts what a busy server allocated
     * between the two commands).
     */
    public long liveBytes() throws IOException, InterruptedException {
        Matcher m = TOTAL.matcher(jcmd("GC.class_histogram"));
        if (!m.find()) {
            throw new IOException("jcmd GC.class_histogram of " + pid + " has no Total line");
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    private static String listeningInode(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f.length > 9 && f[1].endsWith(hexPort) && LISTEN.equals(f[3])) {
                    return f[9];
                }
            }
        }
        return null;
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }
}
