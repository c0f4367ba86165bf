package dev.slimfit.report;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Timeline;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A PNG of the memory ledger's timeline: live MiB of each category and of the total against seconds. Events are
 * bucketed in time and each bucket shows its maximum, so short peaks stay visible however long the run.
 */
public final class TimelinePlot {

    /** Points per series at most. */
    public static final int MAX_POINTS = 2000;
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 700;
    private static final double MIB = 1024.0 * 1024.0;

    private TimelinePlot() {
    }

    /** Writes the plot to {@code png} (atomically: temp file + rename). */
    public static void write(Timeline.Events events, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection dataset = series(events);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds", "live MiB", dataset,
                PlotOrientation.VERTICAL, true, false, false);
        Path temp = png.resolveSibling(png.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(temp.toFile(), chart, WIDTH, HEIGHT);
        Files.move(temp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static XYSeriesCollection series(Timeline.Events events) {
        Category[] categories = Category.values();
        XYSeries[] series = new XYSeries[categories.length + 1];
        for (int c = 0; c < categories.length; c++) {
            series[c] = new XYSeries(categories[c].name(), false, true);
        }
        series[categories.length] = new XYSeries("TOTAL", false, true);
        int n = events.size();
        if (n > 0) {
            long first = events.nanos()[0];
            long last = events.nanos()[n - 1];
            long span = Math.max(1, last - first);
            long[] running = new long[categories.length];
            long[] bucketMax = new long[categories.length + 1];
            int bucket = -1;
            for (int i = 0; i < n; i++) {
                running[events.categories()[i]] += events.deltas()[i];
                int b = (int) Math.min(MAX_POINTS - 1, (events.nanos()[i] - first) * MAX_POINTS / span);
                if (b != bucket) {
                    if (bucket >= 0) {
                        flush(series, bucketMax, span * bucket / MAX_POINTS);
                    }
                    bucket = b;
                    java.util.Arrays.fill(bucketMax, 0);
                }
                long total = 0;
                for (int c = 0; c < categories.length; c++) {
                    bucketMax[c] = Math.max(bucketMax[c], running[c]);
                    total += running[c];
                }
                bucketMax[categories.length] = Math.max(bucketMax[categories.length], total);
            }
            flush(series, bucketMax, span * bucket / MAX_POINTS);
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (XYSeries s : series) {
            dataset.addSeries(s);
        }
        return dataset;
    }

    private static void flush(XYSeries[] series, long[] values, long nanosFromStart) {
        double seconds = nanosFromStart / 1e9;
        for (int s = 0; s < series.length; s++) {
            series[s].add(seconds, values[s] / MIB);
        }
    }
}
