package dev.slimfit.train.metrics;

import java.util.Arrays;

/**
 * Evaluation metrics of the GLUE tasks and of classification in general: accuracy, binary F1 (positive class 1),
 * Matthews correlation, Pearson and Spearman correlation. Degenerate inputs follow scikit-learn / SciPy: F1 and
 * MCC are 0 when undefined, Pearson and Spearman are NaN for a constant input.
 */
public final class Metrics {

    private Metrics() {
    }

    public static double accuracy(int[] predicted, int[] gold) {
        checkLengths(predicted.length, gold.length);
        if (gold.length == 0) {
            return Double.NaN;
        }
        int correct = 0;
        for (int i = 0; i < gold.length; i++) {
            correct += predicted[i] == gold[i] ? 1 : 0;
        }
        return correct / (double) gold.length;
    }

    /** F1 of the positive class (label 1). */
    public static double f1(int[] predicted, int[] gold) {
        checkLengths(predicted.length, gold.length);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < gold.length; i++) {
            boolean p = predicted[i] == 1;
            boolean g = gold[i] == 1;
            tp += p && g ? 1 : 0;
            fp += p && !g ? 1 : 0;
            fn += !p && g ? 1 : 0;
        }
        long denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0 : 2.0 * tp / denominator;
    }

    /** Matthews correlation coefficient of binary labels. */
    public static double matthews(int[] predicted, int[] gold) {
        checkLengths(predicted.length, gold.length);
        double tp = 0;
        double tn = 0;
        double fp = 0;
        double fn = 0;
        for (int i = 0; i < gold.length; i++) {
            boolean p = predicted[i] == 1;
            boolean g = gold[i] == 1;
            if (p && g) {
                tp++;
            } else if (!p && !g) {
                tn++;
            } else if (p) {
                fp++;
            } else {
                fn++;
            }
        }
        double denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        return denominator == 0 ? 0 : (tp * tn - fp * fn) / denominator;
    }

    public static double pearson(double[] x, double[] y) {
        checkLengths(x.length, y.length);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Pearson correlation of the ranks, ties sharing their average rank. */
    public static double spearman(double[] x, double[] y) {
        checkLengths(x.length, y.length);
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static void checkLengths(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("metric inputs differ in length: " + a + " predictions vs " + b
                    + " references");
        }
    }
}
