package dev.switchboard.testing;

import dev.switchboard.store.Bus;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.Storage;

/** A storage that hands every call to another; a test overrides the one part it changes (a slow bus, a failing log). */
public class DelegatingStorage implements Storage {

    private final Storage inner;

    public DelegatingStorage(Storage inner) {
        this.inner = inner;
    }

    @Override
    public Log log() {
        return inner.log();
    }

    @Override
    public Bus bus() {
        return inner.bus();
    }

    @Override
    public Presence presence() {
        return inner.presence();
    }

    @Override
    public Cursors cursors() {
        return inner.cursors();
    }

    @Override
    public Cluster cluster() {
        return inner.cluster();
    }

    @Override
    public void start(Bus.Listener bus, Presence.Listener presence) {
        inner.start(bus, presence);
    }

    @Override
    public void close() {
        inner.close();
    }
}
