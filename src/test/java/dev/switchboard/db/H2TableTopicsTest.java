package dev.switchboard.db;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The database contract on embedded H2 (the runner's default database), with its Java trigger and polling relay. */
class H2TableTopicsTest extends TableTopicsContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    String newDatabase() {
        return "jdbc:h2:mem:h2contract" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    }

    @Override
    String user() {
        return "";
    }

    @Test
    void columnTypesBecomeTheContractsJson() throws Exception {
        sql("CREATE TABLE types (id BIGINT PRIMARY KEY, num DECIMAL(40, 9), small DECIMAL(20, 9), f8 DOUBLE PRECISION, "
                + "f4 REAL, ts TIMESTAMP(6) WITH TIME ZONE, tsl TIMESTAMP, d DATE, b VARBINARY, j JSON, flag BOOLEAN, "
                + "txt VARCHAR, nothing INT, tags VARCHAR ARRAY, u UUID)");
        Database db = start("types");
        sql("INSERT INTO types VALUES (1, 12345678901234567890.123456789, 0.0000001, 1.5, 1.1, "
                + "TIMESTAMP WITH TIME ZONE '2026-12-04 11:15:30.123456+01', TIMESTAMP '2026-12-04 10:15:30', "
                + "DATE '2026-12-04', X'01ff', '{\"a\":[1,2]}' FORMAT JSON, TRUE, 'hé \"quoted\"', NULL, "
                + "ARRAY['a', 'b'], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
        JsonObject row = sink.await("table:types", 1, WAIT_MS).get(0).asJsonObject().getJsonObject("row");
        assertEquals(json("{\"id\":1,\"num\":12345678901234567890.123456789,\"small\":1.00E-7,\"f8\":1.5,\"f4\":1.1,"
                + "\"ts\":\"2026-12-04T10:15:30.123456Z\",\"tsl\":\"2026-12-04T10:15:30.000Z\",\"d\":\"2026-12-04\","
                + "\"b\":\"Af8=\",\"j\":{\"a\":[1,2]},\"flag\":true,\"txt\":\"hé \\\"quoted\\\"\",\"nothing\":null,"
                + "\"tags\":[\"a\",\"b\"],\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}"), row);
        assertEquals("12345678901234567890.123456789", row.getJsonNumber("num").toString(), "exact, not via double");
        assertEquals(List.of(row), db.snapshot("types", 10).rows(), "snapshots and changes have one shape");
    }
}
