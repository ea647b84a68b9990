package dev.switchboard.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser's container FORM login ({@code j_security_check}) with its own cookie jar: the session cookie it ends
 * with is what a page's WebSocket handshake carries ({@link #cookieHeader()}).
 */
public final class FormLogin {

    private final URI base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;

    private FormLogin(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Asks for {@code protectedPage} (the container answers with its login form), then posts the credentials. */
    public static FormLogin login(URI base, String protectedPage, String user, String password) {
        FormLogin login = new FormLogin(base);
        HttpResponse<String> form = login.get(protectedPage);
        assertTrue(form.body().contains("j_security_check"), () -> "expected the login form, got " + form.statusCode()
                + " " + form.body());
        String body = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> posted = login.send(HttpRequest.newBuilder(base.resolve("j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertTrue(posted.statusCode() == 302 || posted.statusCode() == 303 || posted.statusCode() == 200,
                () -> "login answered " + posted.statusCode() + " " + posted.body());
        HttpResponse<String> page = login.get(protectedPage);
        assertTrue(page.statusCode() == 200 && !page.body().contains("j_security_check"),
                () -> "still not logged in: " + page.statusCode() + " " + page.body());
        return login;
    }

    /**
     * Spring Security's form login: its login page's CSRF token, then {@code POST /login} with the credentials (the
     * session id changes at login; the cookie jar keeps the new one).
     */
    public static FormLogin spring(URI base, String user, String password) {
        FormLogin login = new FormLogin(base);
        login.springForm("login", "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&");
        return login;
    }

    /** Spring Security's logout: its confirmation page's CSRF token, then {@code POST /logout}. */
    public void springLogout() {
        springForm("logout", "");
    }

    /** GETs Spring Security's page at {@code path}, POSTs its form back with its CSRF token; expects a redirect. */
    private void springForm(String path, String fields) {
        HttpResponse<String> form = get(path);
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"")
                .matcher(form.body());
        assertTrue(csrf.find(), () -> "expected Spring Security's form at " + path + ", got " + form.statusCode() + " "
                + form.body());
        HttpResponse<String> posted = send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(fields + "_csrf="
                        + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))));
        String next = posted.headers().firstValue("Location").orElse("");
        assertTrue(posted.statusCode() == 302 && !next.contains("error"),
                () -> path + " answered " + posted.statusCode() + " to " + next);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** A POST without a body, as this login (no CSRF token: for paths the application exempts). */
    public HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code Cookie: JSESSIONID=…} for a WebSocket handshake, as a browser sends it. */
    public Map<String, String> cookieHeader() {
        StringBuilder header = new StringBuilder();
        for (HttpCookie c : cookies.getCookieStore().get(base)) {
            header.append(header.isEmpty() ? "" : "; ").append(c.getName()).append('=').append(c.getValue());
        }
        return Map.of("Cookie", header.toString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
