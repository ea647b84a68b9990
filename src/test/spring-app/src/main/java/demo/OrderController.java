package demo;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.security.Principal;
import java.util.Map;

@RestController
public class OrderController {

    private final Orders orders;

    public OrderController(Orders orders) {
        this.orders = orders;
    }

    @PostMapping("/orders")
    public Map<String, Object> place(@RequestParam String item, @RequestParam(defaultValue = "false") boolean declined,
                                     Principal customer) {
        try {
            return Map.of("id", orders.place(item, customer.getName(), declined));
        } catch (IllegalStateException e) {
            return Map.of("error", e.getMessage());
        }
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<Map<String, Object>> find(@PathVariable long id) {
        Map<String, Object> order = orders.find(id);
        return order == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(order);
    }
}
