package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A sum over rows of per-column float values (a bias or scale gradient) owned by one thread, accumulated in double.
 * Such a sum often cancels (many terms of both signs, a small result), and float accumulation then loses digits in
 * proportion to the number of rows; double keeps it at one float rounding. Threads each keep one and the caller
 * adds them in thread order, which makes the result depend only on the thread count.
 */
final class ColumnSums {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Doubles in the same vector shape: half as many lanes, so one float vector widens into two of these. */
    private static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());
    private static final int HALF = DOUBLES.length();

    private final double[] totals;

    ColumnSums(int cols) {
        totals = new double[cols];
    }

    /** Adds the float lanes of {@code values} to columns {@code c … c + FLOATS.length() − 1}. */
    void add(int c, FloatVector values) {
        DoubleVector low = (DoubleVector) values.convertShape(VectorOperators.F2D, DOUBLES, 0);
        DoubleVector high = (DoubleVector) values.convertShape(VectorOperators.F2D, DOUBLES, 1);
        DoubleVector.fromArray(DOUBLES, totals, c).add(low).intoArray(totals, c);
        DoubleVector.fromArray(DOUBLES, totals, c + HALF).add(high).intoArray(totals, c + HALF);
    }

    void add(int c, float value) {
        totals[c] += value;
    }

    /** Adds this thread's totals into {@code sums}. */
    void addTo(double[] sums) {
        for (int c = 0; c < totals.length; c++) {
            sums[c] += totals[c];
        }
    }
}
