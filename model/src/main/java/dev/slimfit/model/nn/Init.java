package dev.slimfit.model.nn;

import dev.slimfit.engine.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Seeded parameter initialisers (host-side values, copied to the parameter's device). */
public final class Init {

    /** Standard deviation of BERT's and ViT's truncated-normal-free initialiser ({@code initializer_range}). */
    public static final double BERT_INITIALIZER_RANGE = 0.02;

    private Init() {
    }

    /** Fills with normal(0, std) values. */
    public static void normal(Tensor t, double std, SplittableRandom random) {
        float[] values = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < values.length; i++) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            values[i] = (float) (std * Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2));
        }
        t.copyFromHost(MemorySegment.ofArray(values), t.byteSize());
    }

    /** Fills with a constant. */
    public static void constant(Tensor t, float value) {
        float[] values = new float[Math.toIntExact(t.numel())];
        java.util.Arrays.fill(values, value);
        t.copyFromHost(MemorySegment.ofArray(values), t.byteSize());
    }
}
