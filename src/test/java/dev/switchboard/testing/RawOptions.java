package dev.switchboard.testing;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * A {@link RawWebSocket}'s connection options; immutable, use the {@code with...} methods.
 *
 * @param autoPong answer every server ping with a pong carrying the same payload (default true;
 *                 switch off for heartbeat-timeout tests)
 * @param autoCloseReply answer a server close frame with a close frame echoing its code (default true)
 * @param maxFramePayload largest server frame payload accepted; a bigger declared length ends the
 *                        connection with {@link RawWebSocket.EndKind#PROTOCOL_ERROR} (default 64 MiB)
 * @param receiveBufferBytes SO_RCVBUF set before connecting, 0 = OS default (small values make
 *                           slow-consumer tests fill up sooner)
 * @param socketFactory used for {@code ws:}; {@code wss:} uses {@link SSLSocketFactory#getDefault()}
 *                      unless this is an {@link SSLSocketFactory}
 * @param keepRefused keep the TCP connection of a refused handshake open, so that
 *                    {@link RawHandshake#openIgnoringStatus()} can test whether the server really refused
 *                    (default false: a refused handshake's socket is closed at once)
 */
public record RawOptions(boolean autoPong, boolean autoCloseReply, int maxFramePayload,
                      int receiveBufferBytes, SocketFactory socketFactory, boolean keepRefused) {
    public static RawOptions defaults() {
        return new RawOptions(true, true, 64 << 20, 0, null, false);
    }
    public RawOptions withAutoPong(boolean on) {
        return new RawOptions(on, autoCloseReply, maxFramePayload, receiveBufferBytes, socketFactory, keepRefused);
    }
    public RawOptions withAutoCloseReply(boolean on) {
        return new RawOptions(autoPong, on, maxFramePayload, receiveBufferBytes, socketFactory, keepRefused);
    }
    public RawOptions withMaxFramePayload(int bytes) {
        return new RawOptions(autoPong, autoCloseReply, bytes, receiveBufferBytes, socketFactory, keepRefused);
    }
    public RawOptions withReceiveBufferBytes(int bytes) {
        return new RawOptions(autoPong, autoCloseReply, maxFramePayload, bytes, socketFactory, keepRefused);
    }
    public RawOptions withSocketFactory(SocketFactory f) {
        return new RawOptions(autoPong, autoCloseReply, maxFramePayload, receiveBufferBytes, f, keepRefused);
    }
    public RawOptions withKeepRefused(boolean on) {
        return new RawOptions(autoPong, autoCloseReply, maxFramePayload, receiveBufferBytes, socketFactory, on);
    }
}
