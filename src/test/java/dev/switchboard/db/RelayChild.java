package dev.switchboard.db;

import jakarta.json.JsonValue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A relaying node in a JVM of its own, for tests that kill it: {@code RelayChild <jdbc url> <user> <sink port>
 * <table> <batch>} relays the table to a {@link SinkServer} until it is killed.
 */
public final class RelayChild {

    private RelayChild() {
    }

    public static void main(String[] args) throws Exception {
        SocketSink sink = new SocketSink(Integer.parseInt(args[2]));
        DbConfig config = new DbConfig(args[0], args[1], "", "", List.of(args[3]), 50, true, 1000,
                Integer.parseInt(args[4]));
        Database.start(config, sink, () -> true);
        System.out.println("relaying");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The sink over a socket, one request at a time. */
    private static final class SocketSink implements TopicSink {
        private final BufferedReader in;
        private final Writer out;

        SocketSink(int port) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        }

        @Override
        public synchronized CompletionStage<Long> publish(String topic, JsonValue data, String dedupKey) {
            return CompletableFuture.completedFuture(call("PUB\t" + topic + "\t" + dedupKey + "\t" + data));
        }

        @Override
        public synchronized long head(String topic) {
            return call("HEAD\t" + topic);
        }

        private long call(String line) {
            try {
                out.write(line + "\n");
                out.flush();
                String answer = in.readLine();
                if (answer == null) {
                    throw new IOException("the sink server closed the connection");
                }
                return Long.parseLong(answer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
