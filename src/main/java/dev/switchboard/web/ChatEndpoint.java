package dev.switchboard.web;

import dev.switchboard.core.Connection;

/** The chat endpoint, {@code /ws/chat} by default (setting {@code chatPath}); see {@link Endpoints}. */
public class ChatEndpoint extends SocketEndpoint {

    public ChatEndpoint() {
        super(Connection.Endpoint.CHAT);
    }
}
