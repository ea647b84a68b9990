package dev.switchboard.web;

import dev.switchboard.core.Outgoing;
import jakarta.websocket.Encoder;

/**
 * Encodes what the hub sends, e.g. {@code {"type":"pong"}}, for the container: the hub encodes each message once
 * ({@link dev.switchboard.protocol.Wire}) and fan-out hands the same {@link Outgoing} to every member, so this encoder
 * returns that shared text and encodes nothing per recipient.
 * <p>
 * Declared on both endpoint configurations; like the {@link ClientMessageDecoder}, {@link Endpoints} makes one
 * instance per configuration, initialised with it, and {@link SocketAdapter} calls it for every message a socket
 * sends through its container session, then sends the text with {@code sendText}. Not through {@code sendObject}:
 * Tyrus (Payara, GlassFish) then makes an encoder instance per session on its first send, through its component
 * provider, which in Payara creates a CDI-managed instance under a lock shared by the whole application and keeps it
 * in a static map until the session ends (in a test run here, a fresh Payara's first welcome sent that way was held
 * up past a 1 s heartbeat), and Tomcat looks the encoder up by the message's class on every send; all for the same
 * text on the wire.
 */
public class OutgoingEncoder implements Encoder.Text<Outgoing> {

    @Override
    public String encode(Outgoing message) {
        return message.text();
    }
}
