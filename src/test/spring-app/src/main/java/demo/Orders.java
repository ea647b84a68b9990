package demo;

import dev.switchboard.api.Notifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.Map;

/** Places orders in one transaction each and tells the shop's pages about them: after the commit, never on rollback. */
@Service
public class Orders {

    private final JdbcTemplate jdbc;
    private final Notifier notifier;

    public Orders(JdbcTemplate jdbc, Notifier notifier) {
        this.jdbc = jdbc;
        this.notifier = notifier;
    }

    @Transactional
    public long place(String item, String customer, boolean declined) {
        jdbc.update("INSERT INTO orders (item, customer) VALUES (?, ?)", item, customer);
        long id = jdbc.queryForObject("SELECT MAX(id) FROM orders", Long.class);
        notifier.publish("orders", Map.of("id", id, "item", item, "customer", customer));
        if (declined) {
            throw new IllegalStateException("payment declined"); // rolls back: the order and its notification
        }
        return id;
    }

    public Map<String, Object> find(long id) {
        return jdbc.queryForList("SELECT id, item FROM orders WHERE id = ?", id).stream().findFirst().orElse(null);
    }
}
