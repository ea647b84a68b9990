package dev.switchboard.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /api/*} (setting {@code apiPath}) in a servlet container: copies the request into {@link HttpApi} and its
 * answer back. Registered by {@link SwitchboardInitializer}; its Switchboard is the web application's
 * ({@link WebLifecycle#ATTRIBUTE}).
 */
public class ApiServlet extends HttpServlet {

    private transient HttpApi api;

    @Override
    public void init() throws ServletException {
        api = new HttpApi(WebLifecycle.switchboard(getServletContext()));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The query string only: getParameterMap() would make the container consume a form-encoded body
        // (curl -d sends JSON as application/x-www-form-urlencoded).
        Map<String, String> query = HttpApi.parseQuery(request.getQueryString());
        byte[] body = "POST".equals(request.getMethod())
                ? request.getContentLengthLong() > api.maxBodyBytes() ? null : readBounded(request.getInputStream(), api.maxBodyBytes())
                : new byte[0];
        HttpApi.Response answer = api.serve(request.getMethod(), request.getPathInfo(), request::getHeader, query, body);
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(answer.json().getBytes(StandardCharsets.UTF_8));
    }

    /** The body, or null when it exceeds {@code max} bytes (nothing more is read). */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        return body.length > max ? null : body;
    }
}
