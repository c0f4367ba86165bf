package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

/** Layer normalisation over the last dimension with {@code weight} (gamma) and {@code bias} (beta). */
public final class LayerNorm extends Module {

    private final Tensor weight;
    private final Tensor bias;
    private final float eps;

    public LayerNorm(String name, Device device, int dim, float eps) {
        super(name, device);
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
        this.eps = eps;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public Tensor forward(Tensor x) {
        try (Names.Entered n = Names.at(name())) {
            return Ops.layerNorm(x, weight, bias, eps);
        }
    }

    /** gamma = 1, beta = 0. */
    public void initialize() {
        Init.constant(weight, 1f);
        Init.constant(bias, 0f);
    }
}
