package dev.switchboard.store.memory;

import dev.switchboard.store.Storage;
import dev.switchboard.store.StorageContract;

import dev.switchboard.testing.Hubs;

import java.time.Clock;
import java.util.Map;

/** The storage contract, one node in memory. */
class MemoryStorageContractTest extends StorageContract {

    @Override
    protected Storage storage(Map<String, String> settings) {
        return new MemoryStorage(MemoryStorage.Limits.of(Hubs.settings(settings)), Clock.systemUTC());
    }

    @Override
    protected boolean sharedByNodes() {
        return false;
    }

}
