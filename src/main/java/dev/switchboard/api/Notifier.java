package dev.switchboard.api;

import dev.switchboard.store.Appended;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.CompletionStage;

/**
 * The CDI face of {@link Notifications}, where the container has CDI (Payara, GlassFish, WildFly):
 * {@code @Inject Notifier notifier; notifier.publish("orders", order);} — and the observer of {@link Notify} events.
 */
@ApplicationScoped
public class Notifier {

    public CompletionStage<Appended> publish(String topic, Object data) {
        return Notifications.publish(topic, data);
    }

    public CompletionStage<Appended> publishToUser(String user, Object data) {
        return Notifications.publishToUser(user, data);
    }

    /** Publishes every {@link Notify} event; inside a transaction, after it commits. */
    void onNotify(@Observes Notify event) {
        Notifications.publish(event.topic(), event.data());
    }
}
