package dev.switchboard.it;

import dev.switchboard.api.Notifications;
import dev.switchboard.api.Notifier;
import dev.switchboard.api.Notify;
import dev.switchboard.store.Appended;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * TEST ONLY, deployed by {@link TransactionalNotificationsIT} next to the shipped WAR in a container with JTA and CDI.
 * {@code POST it/tx?via=static|notifier|event&tx=commit|rollback|none&topic=T&id=ID&value=V}: inside a
 * {@code UserTransaction} (unless {@code tx=none}) it inserts the row {@code ID} through {@code java:comp/DefaultDataSource}
 * and publishes {@code {"id":ID,"value":V}} to {@code T} the chosen way, then commits or rolls back. It answers
 * {@code {"rows":N,"offset":O}} or {@code {"rows":N,"rolledBack":true}}: N is the number of rows with that id
 * afterwards, read on a fresh connection; the offset (or the rollback) is what the returned stage completed with
 * ({@code via=event} returns no stage). With {@code outbox=1} (Switchboard's {@code dbDataSource} is the same
 * DataSource) it also answers {@code outboxInTransaction}: the outbox rows of this publish as the transaction saw them.
 */
@WebServlet("/it/tx")
public class TransactionalNotificationsServlet extends HttpServlet {

    private static final String TABLE = "SB_IT_ORDERS";

    @Inject
    private Notifier notifier;

    @Inject
    private Event<Notify> notify;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String via = req.getParameter("via");
        String tx = req.getParameter("tx");
        String topic = req.getParameter("topic");
        String id = req.getParameter("id");
        JsonObject data = Json.createObjectBuilder().add("id", id).add("value", req.getParameter("value")).build();
        JsonObjectBuilder answer = Json.createObjectBuilder();
        try {
            DataSource ds = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
            createTableIfMissing(ds);
            CompletionStage<Appended> published;
            if ("none".equals(tx)) {
                published = publish(via, topic, data);
            } else {
                UserTransaction ut = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
                ut.begin();
                try {
                    try (Connection c = ds.getConnection();
                         PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (ID, TOPIC) VALUES (?, ?)")) {
                        insert.setString(1, id);
                        insert.setString(2, topic);
                        insert.executeUpdate();
                    }
                    published = publish(via, topic, data);
                    if (req.getParameter("outbox") != null) {
                        answer.add("outboxInTransaction", outboxRows(ds, topic, id));
                    }
                } catch (Exception e) {
                    ut.rollback();
                    throw e;
                }
                switch (tx) {
                    case "commit" -> ut.commit();
                    case "rollback" -> ut.rollback();
                    default -> throw new IllegalArgumentException("tx=" + tx);
                }
            }
            answer.add("rows", rows(ds, id));
            if (published != null) {
                CompletableFuture<Appended> done = published.toCompletableFuture();
                try {
                    answer.add("offset", done.get(10, TimeUnit.SECONDS).entry().offset());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof Notifications.RolledBackException)) {
                        throw e;
                    }
                    answer.add("rolledBack", true);
                }
            }
        } catch (Exception e) {
            throw new ServletException(e);
        }
        resp.setContentType("application/json");
        resp.getWriter().write(answer.build().toString());
    }

    private CompletionStage<Appended> publish(String via, String topic, JsonObject data) {
        return switch (via) {
            case "static" -> Notifications.publish(topic, data);
            case "notifier" -> notifier.publish(topic, data);
            case "event" -> {
                notify.fire(new Notify(topic, data));
                yield null;
            }
            default -> throw new IllegalArgumentException("via=" + via);
        };
    }

    private static synchronized void createTableIfMissing(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = c.getMetaData().getTables(null, null, TABLE, null)) {
                if (r.next()) {
                    return;
                }
            }
            s.executeUpdate("CREATE TABLE " + TABLE + " (ID VARCHAR(100) PRIMARY KEY, TOPIC VARCHAR(200))");
        }
    }

    /**
     * Rows of Switchboard's outbox for this publish ({@code data} with this id), as this transaction sees them
     * (dbDataSource set). By id, not by topic: the relay deletes an earlier call's row after it published it, so that
     * row may still be there although its notification arrived.
     */
    private static int outboxRows(DataSource ds, String topic, String id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT data FROM switchboard_outbox WHERE topic = ?")) {
            select.setString(1, topic);
            int n = 0;
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    String json = r.getString(1);
                    if (json != null && json.contains("\"" + id + "\"")) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    private static int rows(DataSource ds, String id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM " + TABLE + " WHERE ID = ?")) {
            count.setString(1, id);
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
