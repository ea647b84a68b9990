package dev.switchboard.store.memory;

import dev.switchboard.store.Storage;
import dev.switchboard.store.StorageContract;

import java.util.Map;

/** The storage contract, one node in memory. */
class MemoryStorageContractTest extends StorageContract {

    @Override
    protected Storage storage(Map<String, String> settings) {
        return new MemoryStorage(Integer.parseInt(settings.getOrDefault("historySize", "1000")),
                Integer.parseInt(settings.getOrDefault("maxChannels", "10000")));
    }

    @Override
    protected boolean sharedByNodes() {
        return false;
    }

}
