package dev.switchboard.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The opening handshake of a {@link RawWebSocket}: an upgrade (101) or a refusal with its HTTP status, so that a
 * refused handshake is an ordinary result, not an exception ({@link #connect}, then {@link #open}). Only the JDK is
 * used.
 */
public final class RawHandshake {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final URI uri;
    private final int status;
    private final String reasonPhrase;
    private final Map<String, List<String>> headers;
    private final String body;
    private final String expectedAccept;
    private Socket socket;
    private final InputStream in;
    private final RawOptions options;

    RawHandshake(URI uri, int status, String reasonPhrase, Map<String, List<String>> headers, String body,
                 String expectedAccept, Socket socket, InputStream in, RawOptions options) {
        this.uri = uri;
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.headers = headers;
        this.body = body;
        this.expectedAccept = expectedAccept;
        this.socket = socket;
        this.in = in;
        this.options = options;
    }

    /** HTTP status of the handshake response: 101 when upgraded, e.g. 401, 403, 404 when refused. */
    public int status() { return status; }
    public String reasonPhrase() { return reasonPhrase; }
    public boolean upgraded() { return status == 101; }
    /** Response headers, names case-insensitive. */
    public Map<String, List<String>> headers() { return headers; }
    /** First value of a response header, or null. */
    public String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
    /** Body of a refused handshake (at most 64 KiB, decoded as UTF-8); empty when upgraded. */
    public String body() { return body; }
    /** The {@code Sec-WebSocket-Protocol} the server selected, or null. */
    public String subprotocol() { return header("Sec-WebSocket-Protocol"); }
    /** The {@code Sec-WebSocket-Extensions} the server accepted, or null. */
    public String extensions() { return header("Sec-WebSocket-Extensions"); }
    /** Whether {@code Sec-WebSocket-Accept} matches the key that was sent. */
    public boolean acceptValid() { return expectedAccept.equals(header("Sec-WebSocket-Accept")); }

    /**
     * Treats the connection of a refused handshake as a WebSocket anyway, as a hostile client that
     * ignores the status would (needs {@link RawOptions#withKeepRefused}): shows whether the server
     * really refused or only sent a status line and upgraded regardless.
     */
    public synchronized RawWebSocket openIgnoringStatus() throws IOException {
        if (socket == null) {
            throw new IllegalStateException("no connection kept: use RawOptions.withKeepRefused(true), once");
        }
        Socket s = socket;
        socket = null;
        return new RawWebSocket(uri, s, in, this, options);
    }

    /** Closes a kept connection that was not opened. */
    public synchronized void closeConnection() {
        if (socket != null) {
            RawWebSocket.closeQuietly(socket);
            socket = null;
        }
    }

    /**
     * The open connection. Can be called once.
     *
     * @throws IOException when the handshake was refused (the message names the status) or the
     *                     server's {@code Sec-WebSocket-Accept} is wrong
     */
    public synchronized RawWebSocket open() throws IOException {
        if (!upgraded()) {
            throw new IOException("handshake to " + uri + " refused: HTTP " + status + " " + reasonPhrase);
        }
        if (socket == null) {
            throw new IllegalStateException("open() already called");
        }
        if (!acceptValid()) {
            RawWebSocket.closeQuietly(socket);
            throw new IOException("bad Sec-WebSocket-Accept: " + header("Sec-WebSocket-Accept"));
        }
        Socket s = socket;
        socket = null;
        return new RawWebSocket(uri, s, in, this, options);
    }

    @Override
    public String toString() {
        return "RawHandshake[" + status + " " + reasonPhrase + ", headers=" + headers + "]";
    }

    /**
     * Opens a TCP connection and performs the opening handshake.
     *
     * @param extraHeaders added to the request (e.g. {@code Origin}, {@code Sec-WebSocket-Protocol},
     *                     {@code Authorization}); a name equal (ignoring case) to one of the default
     *                     headers replaces it, and a {@code null} value removes it (e.g. to omit
     *                     {@code Sec-WebSocket-Version})
     * @param timeout bounds the TCP connect and the reading of the response head, separately
     * @return the handshake result; {@link Handshake#open()} gives the connection when status is 101
     */
    public static RawHandshake connect(URI uri, Map<String, String> extraHeaders, Duration timeout) throws IOException {
        return connect(uri, extraHeaders, timeout, RawOptions.defaults());
    }

    public static RawHandshake connect(URI uri, Map<String, String> extraHeaders, Duration timeout,
                                       RawOptions options) throws IOException {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("wss") || scheme.equals("https");
        if (!tls && !scheme.equals("ws") && !scheme.equals("http")) {
            throw new IllegalArgumentException("ws, wss, http or https URI expected: " + uri);
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));

        SocketFactory factory = options.socketFactory();
        if (tls && !(factory instanceof SSLSocketFactory)) {
            factory = SSLSocketFactory.getDefault();
        } else if (factory == null) {
            factory = SocketFactory.getDefault();
        }
        Socket socket = factory.createSocket();
        try {
            socket.setTcpNoDelay(true);
            if (options.receiveBufferBytes() > 0) {
                socket.setReceiveBufferSize(options.receiveBufferBytes());
            }
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);

            byte[] keyBytes = new byte[16];
            RawWebSocket.RANDOM.nextBytes(keyBytes);
            String key = Base64.getEncoder().encodeToString(keyBytes);

            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            boolean defaultPort = uri.getPort() <= 0 || uri.getPort() == (tls ? 443 : 80);
            String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);

            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", hostHeader);
            headers.put("Upgrade", "websocket");
            headers.put("Connection", "Upgrade");
            headers.put("Sec-WebSocket-Key", key);
            headers.put("Sec-WebSocket-Version", "13");
            if (extraHeaders != null) {
                for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
                    headers.keySet().removeIf(k -> k.equalsIgnoreCase(e.getKey()));
                    if (e.getValue() != null) {
                        headers.put(e.getKey(), e.getValue());
                    }
                }
            }
            StringBuilder req = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP response: " + lines[0]);
            }
            int status = Integer.parseInt(statusLine[1].trim());
            String reasonPhrase = statusLine.length > 2 ? statusLine[2] : "";
            Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    responseHeaders.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            String expectedAccept = acceptFor(key);
            if (status == 101) {
                socket.setSoTimeout(0);
                return new RawHandshake(uri, status, reasonPhrase, freeze(responseHeaders), "", expectedAccept,
                        socket, in, options);
            }
            String body = readBody(in, responseHeaders);
            if (!options.keepRefused()) {
                socket.close();
                return new RawHandshake(uri, status, reasonPhrase, freeze(responseHeaders), body, expectedAccept,
                        null, null, options);
            }
            socket.setSoTimeout(0);
            return new RawHandshake(uri, status, reasonPhrase, freeze(responseHeaders), body, expectedAccept,
                    socket, in, options);
        } catch (IOException | RuntimeException e) {
            RawWebSocket.closeQuietly(socket);
            throw e;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during handshake response after "
                        + head.size() + " bytes: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            if (head.size() > 64 * 1024) {
                throw new IOException("handshake response head over 64 KiB");
            }
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    /** Reads a body delimited by Content-Length or chunking; otherwise only the bytes already received. */
    private static String readBody(InputStream in, Map<String, List<String>> headers) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int cap = 64 * 1024;
        try {
            String cl = headers.containsKey("Content-Length") ? headers.get("Content-Length").get(0) : null;
            String te = headers.containsKey("Transfer-Encoding") ? headers.get("Transfer-Encoding").get(0) : "";
            if (cl != null) {
                long n = Math.min(cap, Long.parseLong(cl.trim()));
                for (long i = 0; i < n; i++) {
                    int b = in.read();
                    if (b < 0) break;
                    body.write(b);
                }
            } else if (te.toLowerCase(Locale.ROOT).contains("chunked")) {
                while (body.size() < cap) {
                    String sizeLine = readLine(in);
                    int semi = sizeLine.indexOf(';');
                    int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                    if (size == 0) break;
                    for (int i = 0; i < size; i++) {
                        int b = in.read();
                        if (b < 0) return body.toString(StandardCharsets.UTF_8);
                        body.write(b);
                    }
                    readLine(in);
                }
            } else {
                // delimited by connection close: take what has arrived, without waiting for the close
                // (a server that upgrades anyway would never close)
                int b;
                while (body.size() < cap && in.available() > 0 && (b = in.read()) >= 0) {
                    body.write(b);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the status is what matters; keep what was read
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** One HTTP header line (CR dropped, LF ends it; "" at the end of the stream). */
    public static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') sb.append((char) b);
        }
        return sb.toString();
    }

    private static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }
}
