package dev.switchboard.web;

/**
 * The parts of one text message: containers hand a message over in parts when it arrived in several frames (Tyrus,
 * Jetty, Undertow and Tomcat: one part per frame) or is longer than their text buffer (Tomcat). Parts are collected
 * until the last; as soon as they add up to more than {@code maxBytes} bytes of UTF-8 (the limit the decoder applies
 * to a whole message) the message is refused and the rest of it dropped, never held. One reading thread per socket.
 */
final class TextParts {

    /** What a part made of the message. */
    enum Outcome { MORE, WHOLE, TOO_BIG }

    private final long maxBytes;
    private StringBuilder text;
    private long bytes;
    private boolean refusing;

    TextParts(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** No message is under way: a part that is also the last is a whole message, decoded without a copy. */
    boolean idle() {
        return text == null && !refusing;
    }

    Outcome add(String part, boolean last) {
        if (refusing) {
            refusing = !last;
            return Outcome.MORE;
        }
        if (text == null) {
            text = new StringBuilder();
            bytes = 0;
        }
        bytes += ClientMessageDecoder.utf8Bytes(part, maxBytes - bytes);
        if (bytes > maxBytes) {
            text = null;
            refusing = !last;
            return Outcome.TOO_BIG;
        }
        text.append(part);
        return last ? Outcome.WHOLE : Outcome.MORE;
    }

    /** The whole message after {@link Outcome#WHOLE}; the next part starts a new one. */
    String take() {
        String whole = text.toString();
        text = null;
        return whole;
    }
}
