package dev.slimfit.model.nn;

import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

/**
 * Inverted dropout active only in training mode of its owner; draws counters from the model's shared
 * {@link RandomStream}, so a run is reproducible from the model seed and the mask is regenerated in backward.
 */
public final class Dropout {

    private final float p;
    private final RandomStream stream;

    public Dropout(float p, RandomStream stream) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.stream = stream;
    }

    public float probability() {
        return p;
    }

    /** Dropout in training; otherwise a new handle on {@code x} (no copy) that gradients flow through. */
    public Tensor forward(Tensor x, boolean training) {
        return Ops.dropout(x, training ? p : 0f, stream);
    }

    /** {@link #forward} that closes {@code x}, reusing its buffer for the output when nothing else holds it. */
    public Tensor forwardConsuming(Tensor x, boolean training) {
        return Ops.dropoutConsuming(x, training ? p : 0f, stream);
    }
}
