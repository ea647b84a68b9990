package dev.switchboard.core;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Template;
import dev.switchboard.store.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Backward scans of the in-memory log, counting the reads they make of it. */
class LogScanTest {

    private final MemoryStorage storage = new MemoryStorage(10, 10);
    private final AtomicInteger reads = new AtomicInteger();
    private final ChannelId room = ChannelId.room("r");

    /** The storage's own log; only the reads are counted. */
    private final Log counted = new Log() {
        @Override
        public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
            return storage.log().append(channel, frame, dedupKey);
        }

        @Override
        public Slice readAfter(ChannelId channel, long after, int limit) {
            reads.incrementAndGet();
            return storage.log().readAfter(channel, after, limit);
        }

        @Override
        public Slice readBefore(ChannelId channel, long before, int limit) {
            reads.incrementAndGet();
            return storage.log().readBefore(channel, before, limit);
        }

        @Override
        public int channelCount() {
            return storage.log().channelCount();
        }
    };

    private void append(int n) {
        for (int i = 0; i < n; i++) {
            counted.append(room, new Template("{\"o\":", "}"), null);
        }
    }

    private static List<Long> offsets(Slice slice) {
        return slice.entries().stream().map(e -> e.offset()).toList();
    }

    @Test
    void readsBackInChunksUntilEnoughAndReturnsOldestFirst() {
        append(9);
        LogScan scan = new LogScan(counted, 10, 3);
        Slice slice = scan.back(room, e -> e.offset() == 5);
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), offsets(slice));
        assertEquals(9, slice.head());
        assertEquals(2, reads.get(), "9-7, then 6-4");
    }

    @Test
    void neverReadsMoreThanTheRetainedHistory() {
        append(25); // 10 retained: 16..25
        LogScan scan = new LogScan(counted, 10, 4);
        Slice slice = scan.back(room, e -> false);
        assertEquals(LongStream.rangeClosed(16, 25).boxed().toList(), offsets(slice));
        assertEquals(3, reads.get(), "4 + 4 + 2 entries: a scan that finds nothing stops at historySize");
        reads.set(0);
        assertEquals(List.of(), offsets(new LogScan(counted, 10, 4).back(ChannelId.room("empty"), e -> false)));
        assertEquals(1, reads.get());
    }
}
