package dev.switchboard.standalone;

import dev.switchboard.Switchboard;
import dev.switchboard.web.HttpApi;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code /api/*} (setting {@code apiPath}) on Grizzly: the standalone twin of the servlet, around the same {@link HttpApi}. */
final class ApiHandler extends HttpHandler {

    private final HttpApi api;
    private final String prefix;

    ApiHandler(Switchboard switchboard, String prefix) {
        this.api = new HttpApi(switchboard);
        this.prefix = prefix;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        // The query string only: asking for request parameters would make Grizzly consume a form-encoded body
        // (curl -d sends JSON as application/x-www-form-urlencoded).
        Map<String, String> query = HttpApi.parseQuery(request.getQueryString());
        String method = request.getMethod().getMethodString();
        byte[] body = "POST".equals(method) ? readBounded(request) : new byte[0];
        String path = request.getRequestURI();
        path = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        HttpApi.Response answer = api.serve(method, path, request::getHeader, query, body);
        response.setStatus(answer.status());
        response.setContentType(answer.contentType().contains("charset") ? answer.contentType()
                : answer.contentType() + ";charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }

    /** The body, or null when it exceeds the limit. Grizzly's stream does not end at the body's end: read by length. */
    private byte[] readBounded(Request request) throws java.io.IOException {
        int max = api.maxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            return null;
        }
        if (declared >= 0) {
            return request.getInputStream().readNBytes((int) declared);
        }
        byte[] body = request.getInputStream().readNBytes(max + 1); // chunked: ends with the last chunk
        return body.length > max ? null : body;
    }
}
