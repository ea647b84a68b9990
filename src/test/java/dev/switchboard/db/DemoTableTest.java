package dev.switchboard.db;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's demo: an embedded H2 table that a writer keeps changing, published live and consistent with snapshots. */
class DemoTableTest {

    @Test
    void theDemoWriterKeepsTheWatchedTableChanging() throws Exception {
        DbConfig config = new DbConfig("jdbc:h2:mem:demo-test;DB_CLOSE_DELAY=-1", "", "", "", List.of(DemoTable.NAME),
                50, true, 1000, 100);
        DemoTable.create(config);
        MemorySink sink = new MemorySink();
        try (Database db = Database.start(config, sink, () -> true); DemoTable demo = DemoTable.start(config, 10)) {
            Snapshot first = db.snapshot(DemoTable.NAME, 100);
            assertTrue(first.rows().size() >= 3, first.rows().toString());
            List<JsonValue> changes = sink.await("table:" + DemoTable.NAME, (int) first.offset() + 60, 20_000);
            Set<String> ops = changes.stream().map(c -> c.asJsonObject().getString("op")).collect(Collectors.toSet());
            assertEquals(Set.of("update", "delete"), ops.stream().filter(o -> !o.equals("insert")).collect(Collectors.toSet()));
            demo.close();
            Snapshot now = db.snapshot(DemoTable.NAME, 100);
            assertEquals(new TableFold(List.of("id"), now.rows()).rows(), new TableFold(List.of("id"), first.rows())
                    .applyAll(sink.data("table:" + DemoTable.NAME).subList((int) first.offset(), (int) now.offset())).rows());
        }
    }
}
