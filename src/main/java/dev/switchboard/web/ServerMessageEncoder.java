package dev.switchboard.web;

import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import jakarta.websocket.Encoder;

/**
 * Encodes a server frame, e.g. {@code {"type":"pong"}}, with the shared JSON-B codec. The hub's fan-out does not use
 * it per recipient: frames are encoded once and sent as text; this encoder serves {@code sendObject} callers.
 */
public class ServerMessageEncoder implements Encoder.Text<ServerMessage> {

    @Override
    public String encode(ServerMessage message) {
        return Wire.encode(message);
    }
}
