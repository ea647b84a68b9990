package dev.switchboard.web;

import dev.switchboard.core.Connection;

/** The notifications endpoint, {@code /ws/notifications} by default (setting {@code notificationsPath}); see {@link Endpoints}. */
public class NotificationEndpoint extends SocketEndpoint {

    public NotificationEndpoint() {
        super(Connection.Endpoint.NOTIFICATIONS);
    }
}
