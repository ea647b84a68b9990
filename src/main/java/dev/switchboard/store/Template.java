package dev.switchboard.store;

/**
 * A frame whose offset is not known yet: its JSON text is {@code head + offset + tail}. The store that assigns the
 * offset (in memory, or a Redis script) completes it in the same atomic step that stores it, so a message is
 * encoded once, on the node that received it, and never again. A {@code null} tail means the frame carries no
 * offset (whispers): the text is {@code head} alone.
 */
public record Template(String head, String tail) {

    /** The frame's text once its offset is known. */
    public String complete(long offset) {
        return tail == null ? head : head + offset + tail;
    }
}
