package dev.switchboard.it.host;


import dev.switchboard.api.Notifications;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The host application's own code publishing through Switchboard's Java API:
 * {@code /secure/publish?topic=orders&n=1&tx=none|commit|rollback&via=api|cdi}. Answers one line of JSON saying what
 * it saw: whether the notification was still pending before the transaction ended, and how it ended.
 * Transactions and CDI are touched only in {@link InTransaction} and {@link ByEvent}, which Tomcat never loads.
 */
@WebServlet("/secure/publish")
public class PublishServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String topic = request.getParameter("topic");
        Map<String, Object> data = Map.of("n", Integer.parseInt(request.getParameter("n")),
                "by", request.getUserPrincipal().getName());
        String tx = request.getParameter("tx") == null ? "none" : request.getParameter("tx");
        boolean cdi = "cdi".equals(request.getParameter("via"));
        String answer;
        try {
            if ("none".equals(tx)) {
                CompletionStage<?> done = Notifications.publish(topic, data);
                answer = "{\"pendingBeforeEnd\":false,\"outcome\":\"" + outcome(done) + "\"}";
            } else {
                answer = InTransaction.publish(topic, data, "commit".equals(tx), cdi);
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
        response.setContentType("application/json");
        response.getWriter().write(answer);
    }

    static String outcome(CompletionStage<?> stage) {
        var future = stage.toCompletableFuture();
        if (!future.isDone()) {
            return "pending";
        }
        return future.isCompletedExceptionally() ? "rolledBack" : "published";
    }
}
