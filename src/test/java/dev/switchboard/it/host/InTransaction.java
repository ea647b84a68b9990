package dev.switchboard.it.host;

import dev.switchboard.api.Notifications;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Publishes inside the host's own JTA transaction (containers with JTA only). */
final class InTransaction {

    private InTransaction() {
    }

    static String publish(String topic, Map<String, Object> data, boolean commit, boolean cdi) throws Exception {
        UserTransaction tx = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
        tx.begin();
        CompletionStage<?> done;
        if (cdi) {
            ByEvent.fire(topic, data);
            done = null; // an event has no result: the subscriber is the witness
        } else {
            done = Notifications.publish(topic, data);
        }
        boolean pending = done == null || !done.toCompletableFuture().isDone();
        if (commit) {
            tx.commit();
        } else {
            tx.rollback();
        }
        String outcome = done == null ? (commit ? "committed" : "rolledBack") : PublishServlet.outcome(done);
        return "{\"pendingBeforeEnd\":" + pending + ",\"outcome\":\"" + outcome + "\"}";
    }
}
