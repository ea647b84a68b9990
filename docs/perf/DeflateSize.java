import java.util.*; import java.util.zip.*;
public class DeflateSize { public static void main(String[] a) {
  Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true); Random r = new Random(1);
  long raw = 0, comp = 0, compFresh = 0; byte[] out = new byte[4096];
  for (int i = 0; i < 200; i++) {
    StringBuilder t = new StringBuilder(); for (int k = 0; k < 40; k++) t.append((char) ('a' + r.nextInt(26)));
    String id = Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    String m = "{\"type\":\"message\",\"room\":\"r" + r.nextInt(500) + "\",\"offset\":" + (1000 + i) + ",\"id\":\"" + id + "\",\"from\":\"guest:b" + r.nextInt(1000) + "\",\"text\":\"" + t + "\",\"ts\":\"2026-12-06T13:2" + (i % 10) + ":30." + (100 + i) + "Z\",\"ref\":\"c-" + i + "\"}";
    byte[] in = m.getBytes(); raw += in.length;
    d.setInput(in); int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH); comp += n - 4;
    Deflater f = new Deflater(Deflater.DEFAULT_COMPRESSION, true); f.setInput(in); compFresh += f.deflate(out, 0, out.length, Deflater.SYNC_FLUSH) - 4; f.end();
  }
  System.out.printf("payload avg %.1f bytes; deflated with context %.1f; without context %.1f%n", raw / 200.0, comp / 200.0, compFresh / 200.0);
}}
