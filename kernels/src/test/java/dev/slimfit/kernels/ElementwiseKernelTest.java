package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every {@link Elementwise} provider against the reference, on fresh random inputs of awkward sizes. */
class ElementwiseKernelTest {

    /** Lengths around the vector width (16 floats with AVX-512) and the parallel split, plus the empty and 1. */
    private static final int[] LENGTHS = {0, 1, 15, 17, 1023, 100_003};
    /** rows × cols: empty either way, single rows and columns, odd widths, one split across threads. */
    private static final int[][] MATRICES = {{0, 5}, {5, 0}, {1, 1}, {1, 17}, {17, 1}, {33, 15}, {129, 771},
        {600, 257}};

    private static final KernelProvider REF = KernelImplementations.reference();

    @FunctionalInterface
    private interface BinaryKernel {
        void run(KernelProvider provider, long n, MemorySegment a, MemorySegment b, MemorySegment out);
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void addMatchesReference(KernelProvider provider) {
        checkBinary(provider, "add", (p, n, a, b, out) -> p.elementwise().add(n, a, b, out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void mulMatchesReference(KernelProvider provider) {
        checkBinary(provider, "mul", (p, n, a, b, out) -> p.elementwise().mul(n, a, b, out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void scaleMatchesReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        float alpha = (float) (random.nextDouble() * 4 - 2);
        checkBinary(provider, "scale by " + alpha, (p, n, a, b, out) -> p.elementwise().scale(n, alpha, a, out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void axpyMatchesReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        float alpha = (float) (random.nextDouble() * 4 - 2);
        // axpy updates b in place; the harness compares b's final contents through the 'out' alias
        checkBinary(provider, "axpy by " + alpha, (p, n, a, b, out) -> {
            p.elementwise().axpy(n, alpha, a, b);
            p.memory().copy(b, out, n * Float.BYTES);
        });
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void inPlaceAddAndScaleMayAliasTheirInput(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float[] a = random.gaussian(n, 1);
            float[] b = random.gaussian(n, 1);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = 3 * (a[i] + b[i]);
            }
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment da = buffers.floats(a);
                MemorySegment db = buffers.floats(b);
                provider.elementwise().add(n, da, db, da);
                provider.elementwise().scale(n, 3, da, da);
                Accuracy.assertClose(expected, buffers.readFloats(da, n), Accuracy.FLOAT_TOLERANCE,
                        provider.name() + " in-place add then scale n=" + n + " " + random.describe());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void fillWritesEveryElementAndNothingBeyond(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float value = (float) random.nextGaussian();
            float[] guard = random.gaussian(n + 3, 1);
            float[] expected = guard.clone();
            Arrays.fill(expected, 0, n, value);
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment out = buffers.floats(guard);
                provider.elementwise().fill(n, value, out);
                assertArrayEquals(expected, buffers.readFloats(out, n + 3),
                        provider.name() + " fill n=" + n + " " + random.describe());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void addBiasMatchesReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int[] shape : MATRICES) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = random.gaussian(rows * cols, 1);
            float[] bias = random.gaussian(cols, 1);
            float[] expected = runBias(REF, rows, cols, x, bias, null);
            float[] actual = runBias(provider, rows, cols, x, bias, null);
            Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE,
                    provider.name() + " addBias " + rows + "x" + cols + " " + random.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void biasResidualMatchesReferenceWithAndWithoutBias(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int[] shape : MATRICES) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = random.gaussian(rows * cols, 1);
            float[] residual = random.gaussian(rows * cols, 1);
            float[] bias = random.gaussian(cols, 1);
            for (float[] maybeBias : new float[][] {bias, null}) {
                float[] expected = runBias(REF, rows, cols, x, maybeBias, residual);
                float[] actual = runBias(provider, rows, cols, x, maybeBias, residual);
                Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE, provider.name() + " biasResidual "
                        + rows + "x" + cols + (maybeBias == null ? " without bias " : " ") + random.describe());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void addBiasWorksInPlace(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int rows = 37;
        int cols = 259;
        float[] x = random.gaussian(rows * cols, 1);
        float[] bias = random.gaussian(cols, 1);
        float[] expected = runBias(REF, rows, cols, x, bias, null);
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dx = buffers.floats(x);
            provider.elementwise().addBias(rows, cols, dx, buffers.floats(bias), dx);
            Accuracy.assertClose(expected, buffers.readFloats(dx, rows * cols), Accuracy.FLOAT_TOLERANCE,
                    provider.name() + " in-place addBias " + random.describe());
        }
    }

    /** One strided-copy case: a logical shape and the source strides (elements) that view the source as it. */
    private record View(String name, long[] shape, long[] strides) {
    }

    private static View[] views() {
        return new View[] {
            new View("scalar (rank 0)", new long[] {}, new long[] {}),
            new View("contiguous 1-D", new long[] {1023}, new long[] {1}),
            new View("every third element", new long[] {101}, new long[] {3}),
            new View("empty dimension", new long[] {4, 0, 3}, new long[] {0, 3, 1}),
            new View("size-1 dimensions", new long[] {1, 17, 1}, new long[] {5, 1, 7}),
            new View("2-D transpose", new long[] {37, 53}, new long[] {1, 37}),
            new View("large 2-D transpose", new long[] {300, 257}, new long[] {1, 300}),
            new View("slice of rows and columns", new long[] {19, 33}, new long[] {50, 1}),
            new View("heads split [b,s,h,d]->[b,h,s,d]", new long[] {2, 4, 17, 16},
                    new long[] {17 * 4 * 16, 16, 4 * 16, 1}),
            new View("heads merge [b,h,s,d]->[b,s,h,d]", new long[] {2, 17, 4, 16},
                    new long[] {4 * 17 * 16, 16, 17 * 16, 1}),
            new View("broadcast a row (stride 0 outer)", new long[] {31, 45}, new long[] {0, 1}),
            new View("broadcast a column (stride 0 inner)", new long[] {31, 45}, new long[] {1, 0}),
            new View("broadcast a scalar", new long[] {7, 9, 11}, new long[] {0, 0, 0}),
            new View("3-D permute (2,0,1)", new long[] {13, 7, 11}, new long[] {1, 11 * 13, 13}),
            // large enough to be split over two threads
            new View("batched transpose", new long[] {3, 301, 517}, new long[] {301 * 517, 1, 301}),
            new View("BERT-base heads split", new long[] {4, 12, 128, 64}, new long[] {128 * 768, 64, 768, 1}),
            new View("rank 8", new long[] {2, 3, 1, 2, 3, 2, 1, 5}, new long[] {1, 2, 100, 6, 12, 0, 9, 36}),
        };
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void copyStridedGathersEveryViewExactlyForEveryElementSize(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (View view : views()) {
            for (int elementBytes : new int[] {1, 2, 4, 8}) {
                int sourceElements = (int) sourceExtent(view.shape(), view.strides());
                int count = (int) product(view.shape());
                byte[] source = random.bytes(sourceElements * elementBytes);
                byte[] expected = gatherByIndexArithmetic(view.shape(), view.strides(), source, elementBytes);
                String what = provider.name() + " copyStrided " + view.name() + " elementBytes=" + elementBytes + " "
                        + random.describe();
                try (TestBuffers buffers = new TestBuffers(provider)) {
                    MemorySegment dst = buffers.empty((long) count * elementBytes);
                    provider.elementwise().copyStrided(view.shape(), view.strides(), buffers.bytes(source), dst,
                            elementBytes);
                    Accuracy.assertExact(expected, buffers.readBytes(dst, count * elementBytes), what);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void copyStridedRejectsBadElementSizeAndMismatchedStrides(KernelProvider provider) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment src = buffers.emptyFloats(8);
            MemorySegment dst = buffers.emptyFloats(8);
            assertThrows(IllegalArgumentException.class, () -> provider.elementwise()
                    .copyStrided(new long[] {2}, new long[] {1}, src, dst, 3));
            assertThrows(IllegalArgumentException.class, () -> provider.elementwise()
                    .copyStrided(new long[] {2, 2}, new long[] {1}, src, dst, 4));
        }
    }

    /** The reference itself must implement the definition: checked against index arithmetic done here. */
    @org.junit.jupiter.api.Test
    void referenceCopyStridedIsTheDefinition() {
        copyStridedGathersEveryViewExactlyForEveryElementSize(REF);
    }

    private static void checkBinary(KernelProvider provider, String name, BinaryKernel kernel) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float[] a = random.gaussian(n, 2);
            float[] b = random.uniform(n, -3, 3);
            float[] expected = runBinary(REF, kernel, a, b);
            float[] actual = runBinary(provider, kernel, a, b);
            Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE,
                    provider.name() + " " + name + " n=" + n + " " + random.describe());
        }
    }

    private static float[] runBinary(KernelProvider provider, BinaryKernel kernel, float[] a, float[] b) {
        int n = a.length;
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats(n);
            kernel.run(provider, n, buffers.floats(a), buffers.floats(b), out);
            return buffers.readFloats(out, n);
        }
    }

    private static float[] runBias(KernelProvider provider, int rows, int cols, float[] x, float[] bias,
                                   float[] residual) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats((long) rows * cols);
            MemorySegment biasBuffer = bias == null ? null : buffers.floats(bias);
            if (residual == null) {
                provider.elementwise().addBias(rows, cols, buffers.floats(x), biasBuffer, out);
            } else {
                provider.elementwise().biasResidual(rows, cols, buffers.floats(x), biasBuffer,
                        buffers.floats(residual), out);
            }
            return buffers.readFloats(out, rows * cols);
        }
    }

    private static long product(long[] shape) {
        long count = 1;
        for (long extent : shape) {
            count *= extent;
        }
        return count;
    }

    /** Elements the source must hold: one past the largest offset the view reaches (at least 1). */
    private static long sourceExtent(long[] shape, long[] strides) {
        long last = 0;
        for (int d = 0; d < shape.length; d++) {
            last += Math.max(0, shape[d] - 1) * strides[d];
        }
        return last + 1;
    }

    /** The definition, computed differently from the reference's odometer: decode each linear index by div/mod. */
    private static byte[] gatherByIndexArithmetic(long[] shape, long[] strides, byte[] source, int elementBytes) {
        int count = (int) product(shape);
        byte[] out = new byte[count * elementBytes];
        for (int linear = 0; linear < count; linear++) {
            long rest = linear;
            long offset = 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                offset += rest % shape[d] * strides[d];
                rest /= shape[d];
            }
            System.arraycopy(source, (int) offset * elementBytes, out, linear * elementBytes, elementBytes);
        }
        return out;
    }
}
