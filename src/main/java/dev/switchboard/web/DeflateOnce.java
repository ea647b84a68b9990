package dev.switchboard.web;

import jakarta.websocket.Extension;

import java.util.ArrayList;
import java.util.List;

/**
 * permessage-deflate (RFC 7692) negotiated so that each message can be compressed once for all its recipients: the
 * server's answer adds {@code server_no_context_takeover} (§7.1.1.1: a server may, whether or not the client offered
 * it), so the server compresses every message from a fresh context and a message's compressed bytes are the same on
 * every connection ({@link dev.switchboard.core.DeflatedFrames}). Used where Switchboard writes the frames itself on
 * such a connection (Tomcat: {@link TomcatFrames}); the client's own context, and its compression, are untouched.
 */
final class DeflateOnce {

    static final String NAME = "permessage-deflate";
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

    private DeflateOnce() {
    }

    /** {@code chosen} with every permessage-deflate offer asking for no server context; other extensions as they are. */
    static List<Extension> withoutServerContext(List<Extension> chosen) {
        List<Extension> result = new ArrayList<>(chosen.size());
        for (Extension e : chosen) {
            if (NAME.equals(e.getName()) && !has(e, SERVER_NO_CONTEXT_TAKEOVER)) {
                List<Extension.Parameter> parameters = new ArrayList<>(e.getParameters());
                parameters.add(new Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
                result.add(new Offer(NAME, List.copyOf(parameters)));
            } else {
                result.add(e);
            }
        }
        return result;
    }

    /** Whether a connection's extensions are exactly permessage-deflate without the server's context. */
    static boolean negotiated(List<Extension> extensions) {
        return extensions.size() == 1 && NAME.equals(extensions.get(0).getName())
                && has(extensions.get(0), SERVER_NO_CONTEXT_TAKEOVER);
    }

    private static boolean has(Extension e, String parameter) {
        for (Extension.Parameter p : e.getParameters()) {
            if (parameter.equals(p.getName())) {
                return true;
            }
        }
        return false;
    }

    /** An extension as this server answers it. */
    record Offer(String getName, List<Extension.Parameter> getParameters) implements Extension {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(getName);
            for (Extension.Parameter p : getParameters) {
                s.append("; ").append(p.getName()).append(p.getValue() == null ? "" : "=" + p.getValue());
            }
            return s.toString();
        }
    }

    record Parameter(String getName, String getValue) implements Extension.Parameter {}
}
