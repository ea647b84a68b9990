package dev.switchboard.auth;

import dev.switchboard.settings.Settings;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open a socket (checked before the upgrade): the page's own origin (the Origin's host
 * and port equal the request's Host), the {@code allowedOrigins} list ({@code *} allows any), and a missing Origin
 * header (non-browser clients) where {@code allowMissingOrigin} is set.
 */
public final class OriginPolicy {

    private final List<String> allowed;
    private final boolean any;
    private final boolean allowMissing;

    public OriginPolicy(Settings settings) {
        this.allowed = settings.getList(Settings.Key.ALLOWED_ORIGINS).stream()
                .map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList();
        this.any = allowed.contains("*");
        this.allowMissing = settings.getBoolean(Settings.Key.ALLOW_MISSING_ORIGIN);
    }

    public boolean allows(String origin, String host) {
        if (origin == null || origin.isEmpty()) {
            return allowMissing;
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (any || allowed.contains(normalized)) {
            return true;
        }
        return host != null && sameAuthority(normalized, host.toLowerCase(Locale.ROOT));
    }

    private static boolean sameAuthority(String origin, String host) {
        try {
            URI o = new URI(origin);
            if (o.getHost() == null || o.getScheme() == null) {
                return false;
            }
            URI h = new URI(o.getScheme() + "://" + host);
            return o.getHost().equals(h.getHost()) && port(o) == port(h);
        } catch (Exception e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme()) ? 443 : 80;
    }
}
