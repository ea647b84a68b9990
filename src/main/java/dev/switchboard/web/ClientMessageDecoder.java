package dev.switchboard.web;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.Wire;
import jakarta.websocket.Decoder;

/**
 * Decodes a client text frame, e.g. {@code {"type":"join","room":"lobby"}}, with the shared JSON-B codec. It accepts
 * every text: invalid input becomes {@link ClientMessage.Unreadable}, so the endpoint answers with an error frame
 * instead of the container closing the socket.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    @Override
    public ClientMessage decode(String text) {
        return Wire.decode(text);
    }

    @Override
    public boolean willDecode(String text) {
        return text != null;
    }
}
