package dev.slimfit.train.data.glue;

import dev.slimfit.train.metrics.Metrics;

/**
 * The metrics GLUE reports, by the names the trainer's reports use. Classification metrics take predicted and gold
 * label indices (F1 and MCC treat label 1 as the positive class, which is "equivalent" / "duplicate" / "acceptable"
 * in the tasks that use them); correlation metrics take predicted and gold scores.
 */
public enum GlueMetric {
    ACCURACY("accuracy", false),
    F1("f1", false),
    MATTHEWS("mcc", false),
    PEARSON("pearson", true),
    SPEARMAN("spearman", true);

    private final String reportName;
    private final boolean regression;

    GlueMetric(String reportName, boolean regression) {
        this.reportName = reportName;
        this.regression = regression;
    }

    /** The key under which reports list this metric, e.g. {@code mcc}. */
    public String reportName() {
        return reportName;
    }

    /** Whether the metric compares real-valued scores (else label indices). */
    public boolean isRegression() {
        return regression;
    }

    public double of(int[] predicted, int[] gold) {
        return switch (this) {
            case ACCURACY -> Metrics.accuracy(predicted, gold);
            case F1 -> Metrics.f1(predicted, gold);
            case MATTHEWS -> Metrics.matthews(predicted, gold);
            case PEARSON, SPEARMAN -> throw new IllegalArgumentException(reportName
                    + " compares scores, not label indices");
        };
    }

    public double of(double[] predicted, double[] gold) {
        return switch (this) {
            case PEARSON -> Metrics.pearson(predicted, gold);
            case SPEARMAN -> Metrics.spearman(predicted, gold);
            case ACCURACY, F1, MATTHEWS -> throw new IllegalArgumentException(reportName
                    + " compares label indices, not scores");
        };
    }
}
