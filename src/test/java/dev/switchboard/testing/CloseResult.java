package dev.switchboard.testing;

import dev.switchboard.testing.RawWebSocket.EndKind;

import java.util.List;

/**
 * The outcome of {@link RawWebSocket#awaitClose}.
 *
 * @param kind what happened
 * @param code close code of the server's close frame (1005 when it had no code, -1 without a frame)
 * @param reason close reason of the server's close frame; without one, what ended the connection (e.g.
 *               "end of stream inside a frame": the server stopped in the middle of a frame)
 * @param tcpAfterClose for {@code CLOSE_FRAME}: how the TCP connection then ended within the wait
 *                      ({@code EOF}, {@code RESET}, or {@code TIMEOUT} when the server kept it open)
 * @param skipped data messages and frames that arrived before the close and were skipped
 */
public record CloseResult(EndKind kind, int code, String reason, EndKind tcpAfterClose, List<Object> skipped) {
    /** A close frame arrived. */
    public boolean closeFrame() { return kind == EndKind.CLOSE_FRAME; }
    @Override
    public String toString() {
        return kind == EndKind.CLOSE_FRAME
                ? "CloseResult[close frame " + code + (reason.isEmpty() ? "" : " \"" + reason + "\"")
                  + ", then TCP " + tcpAfterClose + (skipped.isEmpty() ? "" : ", skipped " + skipped) + "]"
                : "CloseResult[" + kind + " without close frame" + (reason.isEmpty() ? "" : " (" + reason + ")")
                  + (skipped.isEmpty() ? "" : ", skipped " + skipped) + "]";
    }
}
