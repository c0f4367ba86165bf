package dev.slimfit.report;

import dev.slimfit.engine.Category;
import dev.slimfit.train.RunResult;

import java.util.List;
import java.util.Locale;

/** The side-by-side Markdown table of runs: metric, peak bytes per category and in total, RSS, step time. */
public final class ComparisonTable {

    private static final double MIB = 1024.0 * 1024.0;

    private ComparisonTable() {
    }

    public static String markdown(List<RunResult> runs, String primaryMetric) {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | ").append(primaryMetric).append(" |");
        for (Category c : Category.values()) {
            sb.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append(" MiB |");
        }
        sb.append(" ledger peak MiB | ratio to first | peak RSS MiB | ms/step | frozen/candidates |\n");
        sb.append("|---|---:|");
        sb.append("---:|".repeat(Category.values().length));
        sb.append("---:|---:|---:|---:|---:|\n");
        long baseline = runs.isEmpty() ? 1 : runs.getFirst().peakTotalBytes();
        for (RunResult r : runs) {
            Double metric = r.finalMetrics().get(primaryMetric);
            sb.append("| ").append(r.mode()).append(" | ")
                    .append(metric == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * metric)).append(" |");
            for (Category c : Category.values()) {
                sb.append(String.format(Locale.ROOT, " %.1f |", r.peakBytesByCategory()[c.ordinal()] / MIB));
            }
            sb.append(String.format(Locale.ROOT, " %.1f | %.2fx | %s | %.0f | %.1f/%d |%n", r.peakTotalBytes() / MIB,
                    baseline / (double) Math.max(1, r.peakTotalBytes()),
                    r.peakResidentBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakResidentBytes() / MIB),
                    r.meanStepMillis(), r.meanFrozen(), r.candidates()));
        }
        return sb.toString();
    }
}
