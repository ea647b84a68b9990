package dev.switchboard.db;

import jakarta.json.JsonValue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MemorySink} served over a loopback socket to relays in child JVMs ({@link RelayChild}), so that the
 * topics outlive a relay that is killed. Lines: {@code PUB\ttopic\tkey\tjson} → offset, {@code HEAD\ttopic} → offset.
 * {@link #killAfter} kills the child with SIGKILL once the n-th new notification is stored, before the child hears
 * back: it dies between publishing and deleting its batch.
 */
final class SinkServer implements AutoCloseable {

    private final MemorySink sink;
    private final ServerSocket server;
    private final Thread thread;
    private volatile int killAt = -1;
    private volatile Process victim;

    SinkServer(MemorySink sink) throws IOException {
        this.sink = sink;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "sink-server");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void killAfter(int stored, Process child) {
        this.victim = child;
        this.killAt = stored;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] f = line.split("\t", 4);
                    long offset;
                    if (f[0].equals("HEAD")) {
                        offset = sink.head(f[1]);
                    } else {
                        long before = sink.head(f[1]);
                        JsonValue data = ColumnJson.parse(f[3]);
                        offset = sink.publish(f[1], data, f[2]).toCompletableFuture().join();
                        if (sink.head(f[1]) > before && sink.head(f[1]) == killAt && victim != null) {
                            victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                            break;
                        }
                    }
                    out.write(offset + "\n");
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the child went away (or was killed): wait for the next one
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
