package dev.switchboard.web;

import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;

/** Ties sockets to the HTTP session of the login that opened them (closing them on logout comes with integration). */
final class HttpSessions {

    private HttpSessions() {
    }

    static void track(Object httpSession, Connection connection, Hub hub) {
        // Nothing yet: sockets of a container login are closed on logout by a later change.
    }
}
