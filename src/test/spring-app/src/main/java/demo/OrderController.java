package demo;

import dev.switchboard.store.Appended;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

@RestController
public class OrderController {

    private final Orders orders;

    public OrderController(Orders orders) {
        this.orders = orders;
    }

    /**
     * {@code {"id":…,"offset":…}} after the commit, with the notification's offset; {@code {"error":…,
     * "published":"RolledBackException"}} when the order was declined (rolled back).
     */
    @PostMapping("/orders")
    public Map<String, Object> place(@RequestParam String item, @RequestParam(defaultValue = "false") boolean declined,
                                     @RequestParam(defaultValue = "false") boolean crash, Principal customer)
            throws InterruptedException, TimeoutException {
        AtomicReference<CompletionStage<Appended>> published = new AtomicReference<>();
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            reply.put("id", orders.place(item, customer.getName(), declined, crash, published::set));
        } catch (IllegalStateException e) {
            reply.put("error", e.getMessage());
        }
        try {
            reply.put("offset", published.get().toCompletableFuture().get(10, TimeUnit.SECONDS).entry().offset());
        } catch (ExecutionException e) {
            reply.put("published", e.getCause().getClass().getSimpleName());
        }
        return reply;
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<Map<String, Object>> find(@PathVariable long id) {
        Map<String, Object> order = orders.find(id);
        return order == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(order);
    }
}
