package dev.switchboard.web;

import dev.switchboard.settings.Settings;
import dev.switchboard.Switchboard;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Wire;
import jakarta.websocket.Decoder;

/**
 * Decodes a client text frame, e.g. {@code {"type":"join","room":"lobby"}}, with the shared JSON-B codec. It accepts
 * every text: invalid input becomes {@link ClientMessage.Unreadable}, so the endpoint answers with an error frame
 * instead of the container closing the socket.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    /** What a message over {@code maxMessageBytes} decodes to; the endpoint closes with 1009. */
    static final ClientMessage.Unreadable TOO_BIG =
            new ClientMessage.Unreadable(ErrorCode.TOO_LONG, "message larger than maxMessageBytes", null);

    @Override
    public ClientMessage decode(String text) {
        // The endpoints receive text in parts (SocketAdapter#text), so no container limits a whole message: check here.
        if (longerThan(text, Switchboard.running().settings().getInt(Settings.Key.MAX_MESSAGE_BYTES))) {
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
