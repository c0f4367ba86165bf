package dev.slimfit.train.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values worked out by hand (and matching scikit-learn / SciPy on the same inputs). */
class MetricsTest {

    private static final int[] GOLD = {1, 1, 1, 0, 0, 0, 0, 1};
    private static final int[] PRED = {1, 0, 1, 0, 1, 0, 0, 1};

    @Test
    void classificationMetrics() {
        // tp = 3, fn = 1, fp = 1, tn = 3
        assertEquals(6 / 8.0, Metrics.accuracy(PRED, GOLD), 1e-15);
        assertEquals(2 * 3 / (2.0 * 3 + 1 + 1), Metrics.f1(PRED, GOLD), 1e-15);
        assertEquals((3 * 3 - 1 * 1) / Math.sqrt(4 * 4 * 4 * 4), Metrics.matthews(PRED, GOLD), 1e-15);
        assertEquals(0, Metrics.matthews(new int[] {1, 1}, new int[] {1, 0}), "undefined MCC is 0");
        assertEquals(0, Metrics.f1(new int[] {0, 0}, new int[] {0, 0}), "undefined F1 is 0");
    }

    @Test
    void correlations() {
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {2, 4, 5, 4, 5};
        // Pearson: sxy = 6, sxx = 10, syy = 6  → 6 / sqrt(60)
        assertEquals(6 / Math.sqrt(60), Metrics.pearson(x, y), 1e-15);
        assertArrayEquals(new double[] {1, 2.5, 4.5, 2.5, 4.5}, Metrics.ranks(y), 1e-15);
        // Spearman = Pearson of ranks: y ranks 1, 2.5, 4.5, 2.5, 4.5
        assertEquals(Metrics.pearson(x, new double[] {1, 2.5, 4.5, 2.5, 4.5}), Metrics.spearman(x, y), 1e-15);
        assertTrue(Double.isNaN(Metrics.pearson(x, new double[] {1, 1, 1, 1, 1})));
        assertThrows(IllegalArgumentException.class, () -> Metrics.pearson(x, new double[] {1}));
    }
}
