package dev.switchboard.web;

import java.lang.reflect.Proxy;
import java.util.zip.Deflater;

/**
 * Tomcat's compressor of a connection whose messages Switchboard compresses itself ({@link DeflateOnce}), given back.
 * Tomcat makes one for every compressed connection at the handshake ({@code PerMessageDeflate}: about 83 KB of native
 * memory each, used or not) and compresses with it what it writes itself. Here the remote endpoint's chain of
 * transformations skips the compressor: what Tomcat still writes itself (a message queued behind a pong of its own)
 * goes uncompressed, which the extension allows (RFC 7692 §6); control frames never were. Then the compressor is ended,
 * and its memory serves the next connection's. The reading side (the decompressor) and the chain's close are untouched.
 * Found by name; where anything differs, nothing changes and Tomcat compresses what it writes, as before.
 */
final class TomcatDeflate {

    private static final String DEFLATE = "org.apache.tomcat.websocket.PerMessageDeflate";
    private static final String TRANSFORMATION = "org.apache.tomcat.websocket.Transformation";

    private TomcatDeflate() {
    }

    /**
     * Skips and ends the compressor of {@code remote} (a {@code WsRemoteEndpointImplBase}); true when done. Call it in
     * {@code onOpen}, before anything is written: Tomcat reads no frame of the connection (so writes no pong) until
     * {@code onOpen} has returned.
     */
    static boolean release(Object remote) {
        try {
            Object chain = ContainerInternals.read(remote, "transformation");
            if (chain == null || !chain.getClass().getName().equals(DEFLATE)) {
                return false;
            }
            Object next = ContainerInternals.read(chain, "next");
            if (next == null || !(ContainerInternals.read(chain, "deflater") instanceof Deflater deflater)) {
                return false;
            }
            Class<?> type = Class.forName(TRANSFORMATION, false, chain.getClass().getClassLoader());
            if (!type.isInstance(next)) {
                return false;
            }
            Object skipping = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> ContainerInternals.forward(method,
                            "close".equals(method.getName()) ? chain : next, args)); // close: the decompressor's end
            ContainerInternals.write(remote, "transformation", skipping);
            deflater.end();
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
