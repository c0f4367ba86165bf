package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/** What the streaming (pointwise) CPU kernels share: the vector shape, the byte order, and when to go parallel. */
final class VectorLoops {

    /** The widest float vector this CPU runs natively (16 lanes with AVX-512, 8 with AVX2). */
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * Fewest elements a thread is handed: 64 Ki floats (256 KiB per operand). Below that, waking a worker costs
     * more than the few microseconds the loop takes, so small tensors stay on the calling thread.
     */
    static final long MIN_ELEMENTS_PER_THREAD = 1 << 16;

    private VectorLoops() {
    }

    /**
     * The sum of a vector's lanes, added in lane order. Not {@code reduceLanes(ADD)}: its order is unspecified, and the
     * JIT's intrinsic adds in a different order from the Java fallback that runs before compilation, so results would
     * differ in the last bits from one JVM to the next (a resumed run would not reproduce the uninterrupted one).
     */
    static float sumLanes(FloatVector v) {
        float sum = 0;
        for (int lane = 0; lane < v.length(); lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /**
     * The sum of a vector's lanes stored in {@code lanes} (an array of exactly the vector's length), in lane order: the
     * same value as {@link #sumLanes(FloatVector)}. For row loops: a vector passed to a method that C2 does not inline is
     * boxed into a fresh object and array, and methods that inline a long vector computation (an exponential) hit
     * C2's node budget, so {@code sumLanes} was called, and allocated, once per row. Storing the vector into a scratch
     * array the row loop owns ({@code intoArray} is always inlined) keeps vectors out of calls.
     */
    static float sumInLaneOrder(float[] lanes) {
        float sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        return sum;
    }

    /** {@link #sumLanes(FloatVector)} for doubles. */
    static double sumLanes(DoubleVector v) {
        double sum = 0;
        for (int lane = 0; lane < v.length(); lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /** Rows per thread for a row-wise kernel, so that each thread still gets {@link #MIN_ELEMENTS_PER_THREAD}. */
    static long minRowsPerThread(long cols) {
        return Math.max(1, MIN_ELEMENTS_PER_THREAD / Math.max(1, cols));
    }
}
