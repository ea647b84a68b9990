package dev.switchboard.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Handshakes beside closes: {@code parallel} clients each open sockets one after another, check that the handshake
 * is answered (the 101) and that the first frame is the socket's own {@code welcome} (its guest name is unique), and
 * get the socket closed by the server at once: 1003 on idle sockets, 1008 on flooding ones, 1003 on streaming ones.
 * So every handshake meets the ends of other sockets. Payara lost a 101 to a response packet that an earlier socket's
 * end had left committed in its pool (1 socket in 18 000 with six clients before the fix; docs/reliability.md,
 * "Payara: a 101 lost to a response packet left committed"); a frame of another socket where the {@code welcome}
 * should be would be a leak between users. Run by {@code it/CloseCodeLoopIT} in each container.
 */
public final class HandshakeLoops {

    private static final Duration T = Duration.ofSeconds(15);

    private final CloseCodeLoops loops;

    public HandshakeLoops(CloseCodeLoops loops) {
        this.loops = loops;
    }

    /** {@code n} sockets per client, {@code parallel} clients (a multiple of 3 gives each kind of socket alike). */
    public void handshakesBesideCloses(int n, int parallel) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(parallel);
        CloseTally closes = new CloseTally("closes for a binary frame beside handshakes",
                CloseCodeLoops.Offence.BINARY.code);
        CloseTally floods = new CloseTally("closes for a flood beside handshakes",
                CloseCodeLoops.Offence.FLOOD.code);
        try {
            List<Future<List<String>>> clients = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                int kind = t % 3;
                String client = "c" + t;
                clients.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < n && wrong.size() < 3; i++) {
                        String name = client + "s" + i;
                        try (RawWebSocket ws = RawWebSocket.open(loops.uri(kind == 2, "?name=" + name), T)) {
                            String first = ws.awaitLine(T);
                            boolean own = first.contains("\"guest:" + name + "\"");
                            if (!first.startsWith("{\"type\":\"welcome\"") || !own) {
                                wrong.add(name + ": the first frame is not this socket's welcome: " + first);
                                continue;
                            }
                            if (kind == 1) {
                                CloseCodeLoops.Offence.FLOOD.commit(ws);
                                floods.add(CloseCodeLoops.awaitCloseFlooding(ws));
                            } else {
                                if (kind == 2) {
                                    CloseCodeLoops.awaitStream(ws);
                                }
                                CloseCodeLoops.Offence.BINARY.commit(ws);
                                closes.add(ws.awaitClose(T));
                            }
                        } catch (IOException e) { // a handshake not answered, or not with a 101
                            wrong.add(name + ": " + e);
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = SideBySide.collect(clients);
            assertEquals(List.of(), wrong, "every one of " + parallel * n + " handshakes answered with a 101 and the "
                    + "socket's own welcome");
            closes.assertAllExpected();
            floods.assertAllExpected();
        } finally {
            threads.shutdownNow();
        }
    }
}
