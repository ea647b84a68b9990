package dev.switchboard.it.host;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;

/**
 * The host application's logout, the ways applications do it: {@code /logout} (request.logout(), then
 * session.invalidate(), as most do), {@code /logout?how=invalidate} (only session.invalidate()),
 * {@code /logout?how=logout} (only request.logout()).
 */
@WebServlet("/logout")
public class LogoutServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String how = request.getParameter("how") == null ? "both" : request.getParameter("how");
        if (!"invalidate".equals(how)) {
            request.logout();
        }
        if (!"logout".equals(how)) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
        }
        response.setContentType("text/plain");
        response.getWriter().write("logged out (" + how + ")");
    }
}
