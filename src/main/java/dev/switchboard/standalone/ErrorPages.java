package dev.switchboard.standalone;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The runner's error pages: the status and its reason, nothing else. Grizzly's own page shows the server's name and
 * version ("Grizzly 4.0.2") and, for a failure, the exception's message and stack trace, which tell an attacker what
 * runs and how it failed. A failure is logged here (with its trace, on the server only).
 */
final class ErrorPages implements ErrorPageGenerator {

    private static final Logger LOG = System.getLogger(ErrorPages.class.getName());

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        if (exception != null) {
            LOG.log(Level.WARNING, "answered " + status + " to " + request.getMethod() + " " + request.getRequestURI(),
                    exception);
        }
        String title = status + " " + escape(reasonPhrase == null ? "" : reasonPhrase);
        return "<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title
                + "</h1></body></html>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
