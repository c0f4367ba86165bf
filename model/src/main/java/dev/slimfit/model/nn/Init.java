package dev.slimfit.model.nn;

import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.GradMode;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Seeded parameter initialisers (host-side values, copied to the parameter's device). */
public final class Init {

    /** Standard deviation of BERT's and ViT's truncated-normal-free initialiser ({@code initializer_range}). */
    public static final double BERT_INITIALIZER_RANGE = 0.02;

    private Init() {
    }

    /** Values generated on the heap at a time: large tables are filled chunk by chunk, not via one huge array. */
    static final int CHUNK = 1 << 16;

    /** Fills with normal(0, std) values (Box–Muller over the seeded stream, in element order). */
    public static void normal(Tensor t, double std, SplittableRandom random) {
        fill(t, values -> {
            for (int i = 0; i < values.length; i++) {
                double u1 = random.nextDouble();
                double u2 = random.nextDouble();
                values[i] = (float) (std * Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2));
            }
        });
    }

    /** Fills with a constant. */
    public static void constant(Tensor t, float value) {
        fill(t, values -> java.util.Arrays.fill(values, value));
    }

    private static void fill(Tensor t, java.util.function.Consumer<float[]> generator) {
        long n = t.numel();
        try (GradMode.Restore off = GradMode.disabled(); Tensor flat = t.reshape(Math.toIntExact(n))) {
            for (long start = 0; start < n; start += CHUNK) {
                float[] values = new float[(int) Math.min(CHUNK, n - start)];
                generator.accept(values);
                try (Tensor part = flat.narrow(0, (int) start, values.length)) {
                    part.copyFromHost(MemorySegment.ofArray(values), (long) values.length * Float.BYTES);
                }
            }
        }
    }
}
