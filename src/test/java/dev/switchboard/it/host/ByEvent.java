package dev.switchboard.it.host;


import dev.switchboard.api.Notify;
import jakarta.enterprise.inject.spi.CDI;

/** Fires Switchboard's {@link Notify} CDI event, observed by {@code dev.switchboard.api.Notifier} (CDI containers only). */
final class ByEvent {

    private ByEvent() {
    }

    static void fire(String topic, Object data) {
        CDI.current().getBeanManager().getEvent().select(Notify.class).fire(new Notify(topic, data));
    }
}
