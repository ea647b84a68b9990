package demo;

import dev.switchboard.api.Notifier;
import dev.switchboard.store.Appended;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Places orders in one transaction each and tells the shop's pages about them: the notification goes into
 * Switchboard's outbox in the order's own transaction (switchboard.db-use-app-data-source), so it is sent after the
 * commit, never on rollback, and also when the node dies right after the commit.
 */
@Service
public class Orders {

    private final JdbcTemplate jdbc;
    private final Notifier notifier;

    public Orders(JdbcTemplate jdbc, Notifier notifier) {
        this.jdbc = jdbc;
        this.notifier = notifier;
    }

    /**
     * {@code published} gets the publish's stage, also when the order rolls back. {@code crash}: the JVM halts right
     * after the commit, before anything else learns of it (a node dying at the worst moment; tests only).
     */
    @Transactional
    public long place(String item, String customer, boolean declined, boolean crash,
                      Consumer<CompletionStage<Appended>> published) {
        jdbc.update("INSERT INTO orders (item, customer) VALUES (?, ?)", item, customer);
        long id = jdbc.queryForObject("SELECT MAX(id) FROM orders", Long.class);
        published.accept(notifier.publish("orders", Map.of("id", id, "item", item, "customer", customer)));
        if (crash) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() { // before every afterCompletion, where Switchboard hears of the commit
                    Runtime.getRuntime().halt(3);
                }
            });
        }
        if (declined) {
            throw new IllegalStateException("payment declined"); // rolls back: the order and its notification
        }
        return id;
    }

    public Map<String, Object> find(long id) {
        return jdbc.queryForList("SELECT id, item FROM orders WHERE id = ?", id).stream().findFirst().orElse(null);
    }
}
