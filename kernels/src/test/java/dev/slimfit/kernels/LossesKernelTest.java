package dev.slimfit.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-entropy and MSE of every provider against the reference, and the reference against calculus. */
class LossesKernelTest {

    /** PyTorch's default ignore_index. */
    private static final int IGNORE = -100;
    private static final double IGNORED_FRACTION = 0.2;

    /** Finite differences in float32 with step {@link #STEP} are good to about this relative error. */
    private static final double FINITE_DIFFERENCE_TOLERANCE = 2e-3;
    private static final float STEP = 1e-2f;

    private final TestRandom random = new TestRandom();
    private final KernelProvider reference = KernelImplementations.reference();

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void crossEntropyMatchesReference(KernelProvider provider, int rows, int classes) {
        float[] logits = logits(rows, classes, 3);
        int[] targets = targets(rows, classes, IGNORE);
        float dLoss = (float) (0.5 + random.nextDouble());
        assertClose(new float[] {crossEntropy(reference, rows, classes, logits, targets, IGNORE)},
                new float[] {crossEntropy(provider, rows, classes, logits, targets, IGNORE)}, provider, rows, classes,
                "loss");
        assertClose(crossEntropyGradient(reference, rows, classes, logits, targets, IGNORE, dLoss),
                crossEntropyGradient(provider, rows, classes, logits, targets, IGNORE, dLoss), provider, rows, classes,
                "dLogits");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void ignoreIndexMayBeAClass(KernelProvider provider) {
        int rows = 50;
        int classes = 7;
        int ignore = 2; // rows whose target is class 2 are skipped
        float[] logits = logits(rows, classes, 2);
        int[] targets = random.ints(rows, classes);
        assertClose(new float[] {crossEntropy(reference, rows, classes, logits, targets, ignore)},
                new float[] {crossEntropy(provider, rows, classes, logits, targets, ignore)}, provider, rows, classes,
                "loss, ignore index 2");
        assertClose(crossEntropyGradient(reference, rows, classes, logits, targets, ignore, 1),
                crossEntropyGradient(provider, rows, classes, logits, targets, ignore, 1), provider, rows, classes,
                "dLogits, ignore index 2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void allRowsIgnoredGiveZeroLossAndGradient(KernelProvider provider) {
        int rows = 37;
        int classes = 129;
        float[] logits = logits(rows, classes, 3);
        int[] targets = new int[rows];
        java.util.Arrays.fill(targets, IGNORE);
        assertEquals(0f, crossEntropy(provider, rows, classes, logits, targets, IGNORE),
                provider.name() + " " + random.describe());
        float[] gradient = crossEntropyGradient(provider, rows, classes, logits, targets, IGNORE, 1);
        for (int i = 0; i < gradient.length; i++) {
            assertEquals(0f, gradient[i], provider.name() + ": dLogits[" + i + "] " + random.describe());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void targetOutOfRangeThrowsBeforeWriting(KernelProvider provider) {
        int rows = 20;
        int classes = 33;
        int badRow = 1 + random.nextInt(rows - 1);
        for (int bad : new int[] {classes, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            int[] targets = targets(rows, classes, IGNORE);
            targets[badRow] = bad;
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment logits = buffers.floats(logits(rows, classes, 1));
                MemorySegment targetBuffer = buffers.ints(targets);
                MemorySegment loss = buffers.emptyFloats(1);
                MemorySegment dLogits = buffers.emptyFloats((long) rows * classes);
                IndexOutOfBoundsException forward = assertThrows(IndexOutOfBoundsException.class, () ->
                        provider.losses().crossEntropyForward(rows, classes, logits, targetBuffer, IGNORE, loss));
                IndexOutOfBoundsException backward = assertThrows(IndexOutOfBoundsException.class, () ->
                        provider.losses().crossEntropyBackward(rows, classes, logits, targetBuffer, IGNORE, 1,
                                dLogits));
                for (String message : new String[] {forward.getMessage(), backward.getMessage()}) {
                    assertTrue(message.contains("row " + badRow) && message.contains("target " + bad)
                                    && message.contains(String.valueOf(classes)),
                            provider.name() + ": message names row, target and bound: " + message);
                }
                assertTrue(forward.getMessage().contains("crossEntropyForward"), forward.getMessage());
                assertTrue(backward.getMessage().contains("crossEntropyBackward"), backward.getMessage());
                byte[] untouched = buffers.readBytes(dLogits, rows * classes * Float.BYTES);
                for (byte b : untouched) {
                    assertEquals((byte) 0xFF, b, provider.name() + ": dLogits written before the target check");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void hugeLogitsStayFinite(KernelProvider provider) {
        int rows = 17;
        int classes = 1000;
        float[] logits = logits(rows, classes, 1e4);
        int[] targets = targets(rows, classes, IGNORE);
        float loss = crossEntropy(provider, rows, classes, logits, targets, IGNORE);
        assertTrue(Float.isFinite(loss), provider.name() + ": loss " + loss + " " + random.describe());
        assertClose(new float[] {crossEntropy(reference, rows, classes, logits, targets, IGNORE)},
                new float[] {loss}, provider, rows, classes, "loss of logits around 1e4");
        assertClose(crossEntropyGradient(reference, rows, classes, logits, targets, IGNORE, 1),
                crossEntropyGradient(provider, rows, classes, logits, targets, IGNORE, 1), provider, rows, classes,
                "dLogits of logits around 1e4");
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndLengths")
    void mseMatchesReference(KernelProvider provider, int n) {
        float[] pred = random.gaussian(n, 2);
        float[] target = random.gaussian(n, 2);
        float dLoss = (float) (0.5 + random.nextDouble());
        assertClose(new float[] {mse(reference, pred, target)}, new float[] {mse(provider, pred, target)}, provider,
                1, n, "mse");
        assertClose(mseGradient(reference, pred, target, dLoss), mseGradient(provider, pred, target, dLoss), provider,
                1, n, "mse dPred");
    }

    @Test
    void referenceCrossEntropyIsMeanOfMinusLogSoftmax() {
        int rows = 9;
        int classes = 13;
        float[] logits = logits(rows, classes, 3);
        int[] targets = targets(rows, classes, IGNORE);
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            if (targets[r] == IGNORE) {
                continue;
            }
            double partition = 0;
            for (int c = 0; c < classes; c++) {
                partition += Math.exp(logits[r * classes + c]);
            }
            sum -= Math.log(Math.exp(logits[r * classes + targets[r]]) / partition);
            counted++;
        }
        double expected = counted == 0 ? 0 : sum / counted;
        assertEquals(expected, crossEntropy(reference, rows, classes, logits, targets, IGNORE),
                1e-6 * Math.abs(expected), random.describe());
    }

    @Test
    void referenceCrossEntropyBackwardMatchesFiniteDifferences() {
        int rows = 4;
        int classes = 5;
        float dLoss = 1.7f;
        float[] logits = logits(rows, classes, 1);
        int[] targets = random.ints(rows, classes);
        targets[random.nextInt(rows)] = IGNORE;
        float[] numeric = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float saved = logits[i];
            logits[i] = saved + STEP;
            double up = crossEntropy(reference, rows, classes, logits, targets, IGNORE);
            logits[i] = saved - STEP;
            double down = crossEntropy(reference, rows, classes, logits, targets, IGNORE);
            logits[i] = saved;
            numeric[i] = (float) (dLoss * (up - down) / (2 * STEP));
        }
        Accuracy.assertClose(numeric, crossEntropyGradient(reference, rows, classes, logits, targets, IGNORE, dLoss),
                FINITE_DIFFERENCE_TOLERANCE, "cross-entropy backward vs finite differences " + random.describe());
    }

    @Test
    void referenceMseBackwardMatchesFiniteDifferences() {
        int n = 11;
        float dLoss = 0.6f;
        float[] pred = random.gaussian(n, 1);
        float[] target = random.gaussian(n, 1);
        float[] numeric = new float[n];
        for (int i = 0; i < n; i++) {
            float saved = pred[i];
            pred[i] = saved + STEP;
            double up = mse(reference, pred, target);
            pred[i] = saved - STEP;
            double down = mse(reference, pred, target);
            pred[i] = saved;
            numeric[i] = (float) (dLoss * (up - down) / (2 * STEP));
        }
        Accuracy.assertClose(numeric, mseGradient(reference, pred, target, dLoss), FINITE_DIFFERENCE_TOLERANCE,
                "mse backward vs finite differences " + random.describe());
    }

    static java.util.stream.Stream<KernelProvider> providersWithReference() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(KernelImplementations.reference()),
                KernelImplementations.underTest());
    }

    /** Gaussian logits around a random offset per row (softmax must not care about it). */
    private float[] logits(int rows, int classes, double std) {
        float[] logits = random.gaussian(rows * classes, std);
        for (int r = 0; r < rows; r++) {
            float offset = (float) (10 * std * random.nextGaussian());
            for (int c = 0; c < classes; c++) {
                logits[r * classes + c] += offset;
            }
        }
        return logits;
    }

    /** Random classes, about {@link #IGNORED_FRACTION} of rows ignored (all of them when there are no classes). */
    private int[] targets(int rows, int classes, int ignore) {
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = classes == 0 || random.nextDouble() < IGNORED_FRACTION ? ignore : random.nextInt(classes);
        }
        return targets;
    }

    private static float crossEntropy(KernelProvider provider, int rows, int classes, float[] logits, int[] targets,
                                      int ignore) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment loss = buffers.emptyFloats(1);
            provider.losses().crossEntropyForward(rows, classes, buffers.floats(logits), buffers.ints(targets), ignore,
                    loss);
            return buffers.readFloats(loss, 1)[0];
        }
    }

    private static float[] crossEntropyGradient(KernelProvider provider, int rows, int classes, float[] logits,
                                                int[] targets, int ignore, float dLoss) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dLogits = buffers.emptyFloats((long) rows * classes);
            provider.losses().crossEntropyBackward(rows, classes, buffers.floats(logits), buffers.ints(targets),
                    ignore, dLoss, dLogits);
            return buffers.readFloats(dLogits, rows * classes);
        }
    }

    private static float mse(KernelProvider provider, float[] pred, float[] target) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment loss = buffers.emptyFloats(1);
            provider.losses().mseForward(pred.length, buffers.floats(pred), buffers.floats(target), loss);
            return buffers.readFloats(loss, 1)[0];
        }
    }

    private static float[] mseGradient(KernelProvider provider, float[] pred, float[] target, float dLoss) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dPred = buffers.emptyFloats(pred.length);
            provider.losses().mseBackward(pred.length, buffers.floats(pred), buffers.floats(target), dLoss, dPred);
            return buffers.readFloats(dPred, pred.length);
        }
    }

    private void assertClose(float[] expected, float[] actual, KernelProvider provider, int rows, int cols,
                             String what) {
        Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE,
                provider.name() + " " + what + " " + rows + "x" + cols + " " + random.describe());
    }
}
