package switchboard.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * p99 latency (log scale) against offered deliveries/s, one panel per swept scenario, one line per
 * server and mode (median over repetitions at each rate). A hollow marker means that step lost,
 * duplicated or dropped something. Plain Java2D: no dependency, no network.
 */
final class Chart {
    private Chart() {}

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    static void p99(List<Map<String, String>> rows, Path png, double slo) throws IOException {
        // scenario -> series "label mode" -> rate -> p99 values / clean flags
        Map<String, Map<String, TreeMap<Double, List<double[]>>>> panels = new LinkedHashMap<>();
        List<String> seriesOrder = new ArrayList<>();
        for (Map<String, String> r : rows) {
            if (r.getOrDefault("offered_dps", "").isEmpty() || r.get("scenario").contains("@")) continue;
            double p99 = Report.num(r, "p99_ms");
            if (Double.isNaN(p99)) continue;
            String series = r.get("label") + " " + r.get("mode");
            if (!seriesOrder.contains(series)) seriesOrder.add(series);
            boolean correct = Report.num(r, "lost") == 0 && Report.num(r, "dropped") == 0 && Report.num(r, "dups") == 0 && Report.num(r, "gaps") == 0;
            panels.computeIfAbsent(r.get("scenario"), k -> new LinkedHashMap<>()).computeIfAbsent(series, k -> new TreeMap<>())
                    .computeIfAbsent(Report.num(r, "offered_dps") / 1000, k -> new ArrayList<>()).add(new double[] {p99, correct ? 1 : 0});
        }
        int pw = 560, ph = 430, n = Math.max(1, panels.size());
        BufferedImage img = new BufferedImage(pw * n, ph, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, pw * n, ph);
        if (panels.isEmpty()) {
            g.setColor(Color.BLACK);
            g.drawString("no swept scenario in the results", 20, 40);
        }
        int pi = 0;
        for (Map.Entry<String, Map<String, TreeMap<Double, List<double[]>>>> panel : panels.entrySet()) {
            int ox = pi++ * pw;
            int left = ox + 70, right = ox + pw - 20, top = 40, bottom = ph - 110;
            double xmax = 0, ymin = 0.1, ymax = 1000;
            for (TreeMap<Double, List<double[]>> s : panel.getValue().values()) {
                xmax = Math.max(xmax, s.lastKey());
                for (List<double[]> l : s.values()) for (double[] v : l) { ymax = Math.max(ymax, v[0]); ymin = Math.min(ymin, Math.max(0.01, v[0])); }
            }
            xmax = niceCeil(xmax * 1.05);
            double ly0 = Math.floor(Math.log10(ymin)), ly1 = Math.ceil(Math.log10(ymax));
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(panel.getKey() + ": p99 latency vs offered load", left, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            // grid and axes
            for (double d = ly0; d <= ly1; d++) {
                int y = yPix(Math.pow(10, d), ly0, ly1, top, bottom);
                g.setColor(new Color(0xdddddd));
                g.drawLine(left, y, right, y);
                g.setColor(Color.DARK_GRAY);
                String lbl = d < 0 ? String.format(Locale.ROOT, "%." + (int) -d + "f", Math.pow(10, d)) : String.format(Locale.ROOT, "%.0f", Math.pow(10, d));
                g.drawString(lbl, left - 8 - g.getFontMetrics().stringWidth(lbl), y + 4);
            }
            double xstep = niceCeil(xmax / 6);
            for (double x = 0; x <= xmax + 1e-9; x += xstep) {
                int px = xPix(x, xmax, left, right);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(px, top, px, bottom);
                g.setColor(Color.DARK_GRAY);
                String lbl = String.format(Locale.ROOT, "%.0fk", x);
                g.drawString(lbl, px - g.getFontMetrics().stringWidth(lbl) / 2, bottom + 16);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, right - left, bottom - top);
            g.drawString("offered deliveries/s", (left + right) / 2 - 50, bottom + 32);
            Graphics2D gr = (Graphics2D) g.create();
            gr.rotate(-Math.PI / 2);
            gr.drawString("p99 ms (log)", -(top + bottom) / 2 - 30, ox + 16);
            gr.dispose();
            // SLO
            int ys = yPix(slo, ly0, ly1, top, bottom);
            g.setColor(new Color(0xaa0000));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
            g.drawLine(left, ys, right, ys);
            g.drawString("SLO " + Report.fmt(slo) + " ms", right - 80, ys - 4);
            // series
            int li = 0;
            for (Map.Entry<String, TreeMap<Double, List<double[]>>> s : panel.getValue().entrySet()) {
                int si = seriesOrder.indexOf(s.getKey());
                String label = s.getKey().substring(0, s.getKey().lastIndexOf(' '));
                int colorIdx = seriesOrder.stream().map(x -> x.substring(0, x.lastIndexOf(' '))).distinct().toList().indexOf(label);
                Color c = COLORS[Math.max(0, colorIdx) % COLORS.length];
                boolean dashed = s.getKey().endsWith("unpinned");
                Stroke st = dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 4f}, 0f) : new BasicStroke(2f);
                g.setColor(c);
                int px0 = -1, py0 = -1;
                for (Map.Entry<Double, List<double[]>> pt : s.getValue().entrySet()) {
                    List<Double> ps = new ArrayList<>();
                    boolean allCorrect = true;
                    for (double[] v : pt.getValue()) { ps.add(v[0]); allCorrect &= v[1] == 1; }
                    double med = Report.median(ps);
                    int px = xPix(pt.getKey(), xmax, left, right), py = yPix(Math.max(med, Math.pow(10, ly0)), ly0, ly1, top, bottom);
                    g.setStroke(st);
                    if (px0 >= 0) g.drawLine(px0, py0, px, py);
                    g.setStroke(new BasicStroke(1.5f));
                    if (allCorrect) g.fillOval(px - 4, py - 4, 8, 8);
                    else { g.setColor(Color.WHITE); g.fillOval(px - 4, py - 4, 8, 8); g.setColor(c); g.drawOval(px - 4, py - 4, 8, 8); }
                    px0 = px;
                    py0 = py;
                }
                int ly = bottom + 50 + 16 * (li % 3), lx = left + (li / 3) * 230;
                g.setStroke(st);
                g.drawLine(lx, ly - 4, lx + 28, ly - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.getKey(), lx + 34, ly);
                li++;
                if (si < 0) break;
            }
            g.setStroke(new BasicStroke(1f));
        }
        g.setColor(Color.GRAY);
        g.drawString("filled: nothing lost; hollow: loss, duplicates or drops at that step; dashed: unpinned", 10, ph - 6);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int xPix(double x, double xmax, int left, int right) {
        return left + (int) Math.round((right - left) * x / xmax);
    }

    private static int yPix(double y, double ly0, double ly1, int top, int bottom) {
        double f = (Math.log10(y) - ly0) / (ly1 - ly0);
        return bottom - (int) Math.round((bottom - top) * f);
    }

    private static double niceCeil(double v) {
        if (v <= 0) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
