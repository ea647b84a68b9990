package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain socket speaking as much HTTP as a hostile client would: half a request, a body that never comes, headers a
 * byte at a time. Reads answer with a deadline; {@link #awaitEnd} tells whether the server closed the connection.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects to the host and port of {@code base}. */
    public static RawHttp connect(URI base) throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setTcpNoDelay(true);
        return new RawHttp(s);
    }

    public RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** What the server sent within {@code timeout}: a whole response if it sent one and closed, else what came. */
    public String read(Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting until the deadline
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A response whose headers arrived and whose body is as long as its Content-Length. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return true;
        }
        int length = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
        return text.length() - end - 4 >= length;
    }

    /** The status code of a response read within {@code timeout}; -1 when none came. */
    public int status(Duration timeout) throws IOException {
        String response = read(timeout);
        return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
    }

    /**
     * Waits until the server closes the connection (end of stream or reset): true within {@code timeout}, false if
     * it is still open then. What the server sends meanwhile is skipped.
     */
    public boolean awaitEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
