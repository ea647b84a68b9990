package switchboard.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParsingTest {
    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void topLevelFieldsAreFoundWhateverTheOrderAndNestedOnesAreSkipped() {
        byte[] m = b("{\"from\":\"ann\",\"history\":[{\"type\":\"message\",\"offset\":3,\"text\":\"no\"}],\"offset\":58,"
                + "\"recovered\":true,\"text\":\"S1.M.0.7.123.x\",\"type\":\"joined\",\"epoch\":\"E1\",\"data\":{\"b\":\"v\",\"x\":[1,\"]\"]}}");
        Json.Fields f = new Json.Fields();
        assertTrue(Json.scan(m, 0, m.length, f));
        assertEquals("joined", Json.str(m, f.typeS, f.typeE));
        assertEquals(58, f.offset);
        assertEquals(1, f.recovered);
        assertEquals("E1", Json.str(m, f.epochS, f.epochE));
        assertEquals("S1.M.0.7.123.x", Json.str(m, f.textS, f.textE));
        assertEquals('[', m[f.histS]);
        long v = Json.findString(m, f.dataS, f.dataE, Json.B);
        assertEquals("v", Json.str(m, (int) (v >>> 32), (int) v));
    }

    @Test
    void aDatabaseChangeCarriesTheMarkerInItsRow() {
        byte[] m = b("{\"op\":\"insert\",\"table\":\"bench_commits\",\"key\":{\"id\":7},"
                + "\"row\":{\"id\":7,\"b\":\"S1.M.0.7.123.x\"}}");
        assertEquals(-1, Json.findString(m, 0, m.length, Json.B), "not at the top level");
        long row = Json.findValue(m, 0, m.length, Json.ROW);
        long v = Json.findString(m, (int) (row >>> 32), (int) row, Json.B);
        assertEquals("S1.M.0.7.123.x", Json.str(m, (int) (v >>> 32), (int) v));
    }

    @Test
    void escapedQuotesDoNotEndStrings() {
        byte[] m = b("{\"text\":\"a\\\"}b\",\"type\":\"message\"}");
        Json.Fields f = new Json.Fields();
        assertTrue(Json.scan(m, 0, m.length, f));
        assertEquals("message", Json.str(m, f.typeS, f.typeE));
    }

    @Test
    void tagRoundTrips() {
        byte[] p = new byte[200];
        int n = Tag.write(p, 0, 12, (byte) 'M', 7, 1042, 81234567890L, 48);
        assertEquals(48, n);
        Tag t = new Tag();
        assertTrue(t.parse(p, 0, n));
        assertEquals(12, t.step);
        assertEquals('M', t.phase);
        assertEquals(7, t.sender);
        assertEquals(1042, t.seq);
        assertEquals(81234567890L, t.t);
        assertFalse(t.parse(b("hello world"), 0, 11));
    }
}
