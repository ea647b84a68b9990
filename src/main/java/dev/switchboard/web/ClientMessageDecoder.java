package dev.switchboard.web;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Wire;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

/**
 * Decodes a client text message, e.g. {@code {"type":"join","room":"lobby"}}, with the shared JSON-B codec. It accepts
 * every text: invalid input becomes {@link ClientMessage.Unreadable}, so the endpoint answers with an error frame
 * instead of the container closing the socket.
 * <p>
 * Declared on both endpoint configurations; {@link Endpoints} makes one instance per configuration and
 * {@link #init initialises} it with that configuration, whose user property {@value #MAX_BYTES} is the limit
 * ({@code maxMessageBytes}). The configuration's sockets share it (it keeps no state besides the limit), and their
 * {@link SocketAdapter} calls it for every message, whole or assembled from parts: the endpoints take text in parts
 * to keep the containers' buffers small, and JSR 356 applies decoders to whole-message handlers only.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    /** The endpoint configuration's user property holding the largest message in UTF-8 bytes (an Integer). */
    public static final String MAX_BYTES = "dev.switchboard.maxMessageBytes";

    /** What a message over the limit decodes to; the endpoint closes with 1009. */
    static final ClientMessage.Unreadable TOO_BIG =
            new ClientMessage.Unreadable(ErrorCode.TOO_LONG, "message larger than maxMessageBytes", null);

    /** Written once by {@link #init}, before the configuration is deployed; read by every socket of it. */
    private volatile int maxBytes = -1;

    @Override
    public void init(EndpointConfig config) {
        if (!(config.getUserProperties().get(MAX_BYTES) instanceof Integer max) || max < 0) {
            throw new IllegalArgumentException("the endpoint configuration has no " + MAX_BYTES + " (an Integer >= 0)");
        }
        maxBytes = max;
    }

    /** The largest message, in UTF-8 bytes. */
    int maxBytes() {
        if (maxBytes < 0) {
            throw new IllegalStateException("ClientMessageDecoder used before init(EndpointConfig)");
        }
        return maxBytes;
    }

    @Override
    public ClientMessage decode(String text) {
        if (longerThan(text, maxBytes())) {
            return TOO_BIG;
        }
        return Wire.decode(text);
    }

    /** True when the text is longer than {@code max} bytes in UTF-8 (counted only when it could be). */
    static boolean longerThan(String text, int max) {
        return text.length() * 3L > max && utf8Bytes(text, max) > max;
    }

    /**
     * The length of {@code text} in UTF-8 bytes, counted until it exceeds {@code limit} (then a value above it). Each
     * half of a surrogate pair counts 2 (the pair is 4 bytes), so parts split between the halves add up exactly.
     */
    static long utf8Bytes(CharSequence text, long limit) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            if (bytes > limit) {
                return bytes;
            }
        }
        return bytes;
    }

    @Override
    public boolean willDecode(String text) {
        return text != null;
    }
}
