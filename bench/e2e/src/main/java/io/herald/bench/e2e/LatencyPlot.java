package io.herald.bench.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Latency (p50, p99) against offered load as a PNG, drawn with Java2D in headless mode: a log-scale latency axis, one
 * pair of lines per fan-out.
 */
final class LatencyPlot {

    /** One measured point: offered deliveries per second, latencies in milliseconds, whether dispatch kept up. */
    record Point(double offeredDeliveriesPerSecond, double p50Ms, double p99Ms, boolean sustained) {
    }

    /** A line pair: its label and points in order of load. */
    record Series(String label, Color color, List<Point> points) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private LatencyPlot() {
    }

    static void write(Path file, String title, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double maxX = series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::offeredDeliveriesPerSecond)
                .max().orElse(1) * 1.05;
        double maxY = series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::p99Ms).max().orElse(10);
        double minY = series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::p50Ms).min().orElse(1);
        double logMin = Math.floor(Math.log10(Math.max(0.1, minY)));
        double logMax = Math.ceil(Math.log10(Math.max(maxY, Math.pow(10, logMin + 1))));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double decade = logMin; decade <= logMax; decade++) {
            for (int m = 1; m < 10; m++) {
                double v = Math.log10(m) + decade;
                if (v > logMax) {
                    break;
                }
                int y = TOP + plotH - (int) ((v - logMin) / (logMax - logMin) * plotH);
                g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(235, 235, 235));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                if (m == 1) {
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(format(Math.pow(10, decade)) + " ms", 10, y + 4);
                }
            }
        }
        double step = niceStep(maxX / 8);
        for (double x = 0; x <= maxX; x += step) {
            int px = LEFT + (int) (x / maxX * plotW);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(px, TOP, px, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            String label = format(x);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString("offered load, deliveries/s", LEFT + plotW / 2 - 70, HEIGHT - 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 30);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int legendY = TOP + 20;
        for (Series s : series) {
            for (int percentile = 0; percentile < 2; percentile++) {
                boolean p99 = percentile == 1;
                g.setColor(s.color());
                g.setStroke(p99 ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                        new float[] { 7f, 5f }, 0f) : new BasicStroke(2f));
                int prevX = -1;
                int prevY = -1;
                for (Point p : s.points()) {
                    int px = LEFT + (int) (p.offeredDeliveriesPerSecond() / maxX * plotW);
                    double ms = Math.max(Math.pow(10, logMin), p99 ? p.p99Ms() : p.p50Ms());
                    int py = TOP + plotH - (int) ((Math.log10(ms) - logMin) / (logMax - logMin) * plotH);
                    Stroke line = g.getStroke();
                    g.setStroke(new BasicStroke(1.5f));
                    if (p.sustained()) {
                        g.fillOval(px - 3, py - 3, 7, 7);
                    } else {
                        g.setColor(Color.WHITE);
                        g.fillOval(px - 4, py - 4, 9, 9);
                        g.setColor(s.color());
                        g.drawOval(px - 4, py - 4, 9, 9);
                    }
                    g.setStroke(line);
                    if (prevX >= 0) {
                        g.drawLine(prevX, prevY, px, py);
                    }
                    prevX = px;
                    prevY = py;
                }
                g.drawLine(LEFT + 15, legendY - 4, LEFT + 45, legendY - 4);
                g.setStroke(new BasicStroke(1f));
                g.setColor(Color.BLACK);
                g.drawString(s.label() + (p99 ? " p99" : " p50"), LEFT + 52, legendY);
                legendY += 18;
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("filled: dispatch kept up (lag bounded); hollow: it fell behind", LEFT + plotW - 380, TOP + 20);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] { 1, 2, 2.5, 5, 10 }) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
