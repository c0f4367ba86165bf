package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

/** Every {@link Activations} provider against the reference on fresh random inputs of awkward lengths. */
class ActivationsKernelTest {

    private static final int[] LENGTHS = {0, 1, 15, 17, 1023, 100_003};
    private static final KernelProvider REF = KernelImplementations.reference();

    @FunctionalInterface
    private interface Kernel {
        /** Runs the kernel of {@code provider} with inputs {@code in[0..]} into {@code out}. */
        void run(KernelProvider provider, long n, MemorySegment[] in, MemorySegment out);
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void geluForwardMatchesReference(KernelProvider provider) {
        check(provider, "geluForward", 1, (p, n, in, out) -> p.activations().geluForward(n, in[0], out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void geluBackwardMatchesReference(KernelProvider provider) {
        check(provider, "geluBackward", 2, (p, n, in, out) -> p.activations().geluBackward(n, in[0], in[1], out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void tanhForwardMatchesReference(KernelProvider provider) {
        check(provider, "tanhForward", 1, (p, n, in, out) -> p.activations().tanhForward(n, in[0], out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void tanhBackwardMatchesReference(KernelProvider provider) {
        check(provider, "tanhBackward", 2, (p, n, in, out) -> p.activations().tanhBackward(n, in[0], in[1], out));
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void geluOfSpecialValues(KernelProvider provider) {
        // zeros, the region boundaries of the CPU approximation, the far tails where Φ underflows, inf and NaN
        float[] x = {0f, -0f, 1.5f, -1.5f, Math.nextUp(1.5f), -Math.nextUp(1.5f), 14.5f, -14.5f, 30f, -30f, 1e-30f,
            -1e-30f, Float.POSITIVE_INFINITY, Float.NaN, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] dy = new float[x.length];
        java.util.Arrays.fill(dy, 1f);
        Accuracy.assertClose(run(REF, 1, (p, n, in, out) -> p.activations().geluForward(n, in[0], out), x),
                run(provider, 1, (p, n, in, out) -> p.activations().geluForward(n, in[0], out), x),
                Accuracy.FLOAT_TOLERANCE, provider.name() + " geluForward of special values");
        Kernel backward = (p, n, in, out) -> p.activations().geluBackward(n, in[0], in[1], out);
        Accuracy.assertClose(run(REF, 2, backward, x, dy), run(provider, 2, backward, x, dy),
                Accuracy.FLOAT_TOLERANCE, provider.name() + " geluBackward of special values");
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void activationsWorkInPlace(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 1037;
        float[] x = random.gaussian(n, 3);
        float[] expected = run(REF, 1, (p, len, in, out) -> p.activations().geluForward(len, in[0], out), x);
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dx = buffers.floats(x);
            provider.activations().geluForward(n, dx, dx);
            Accuracy.assertClose(expected, buffers.readFloats(dx, n), Accuracy.FLOAT_TOLERANCE,
                    provider.name() + " in-place geluForward " + random.describe());
        }
    }

    /**
     * Inputs: x ~ N(0, 3²) covers both regions of the GELU approximation and the far negative tail; the second
     * input (dy, or a tanh output in (−1, 1) for tanhBackward) is uniform.
     */
    private static void check(KernelProvider provider, String name, int inputs, Kernel kernel) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float[] first = name.equals("tanhBackward") ? random.uniform(n, -1, 1) : random.gaussian(n, 3);
            float[] second = random.uniform(n, -2, 2);
            float[][] in = inputs == 1 ? new float[][] {first} : new float[][] {first, second};
            Accuracy.assertClose(run(REF, inputs, kernel, in), run(provider, inputs, kernel, in),
                    Accuracy.FLOAT_TOLERANCE, provider.name() + " " + name + " n=" + n + " " + random.describe());
        }
    }

    private static float[] run(KernelProvider provider, int inputs, Kernel kernel, float[]... in) {
        int n = in[0].length;
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment[] device = new MemorySegment[inputs];
            for (int i = 0; i < inputs; i++) {
                device[i] = buffers.floats(in[i]);
            }
            MemorySegment out = buffers.emptyFloats(n);
            kernel.run(provider, n, device, out);
            return buffers.readFloats(out, n);
        }
    }
}
