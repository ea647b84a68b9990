package dev.switchboard.it.host;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code /secure/timeout?seconds=2}: the host shortens its login session's timeout, as an application may. */
@WebServlet("/secure/timeout")
public class SessionTimeoutServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int seconds = Integer.parseInt(request.getParameter("seconds"));
        request.getSession().setMaxInactiveInterval(seconds);
        response.setContentType("text/plain");
        response.getWriter().write("session timeout " + request.getSession().getMaxInactiveInterval() + " s");
    }
}
