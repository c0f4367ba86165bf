package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import java.util.SplittableRandom;

/** {@code y = x·Wᵀ + b} with {@code weight [out, in]} and {@code bias [out]}, as torch.nn.Linear. */
public final class Linear extends Module {

    private final Tensor weight;
    private final Tensor bias;

    public Linear(String name, Device device, int in, int out, boolean withBias) {
        super(name, device);
        this.weight = parameter("weight", out, in);
        this.bias = withBias ? parameter("bias", out) : null;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public Tensor forward(Tensor x) {
        try (Names.Entered n = Names.at(name())) {
            return Ops.linear(x, weight, bias);
        }
    }

    /** normal(0, std) weights and zero bias. */
    public void initialize(double std, SplittableRandom random) {
        Init.normal(weight, std, random);
        if (bias != null) {
            Init.constant(bias, 0f);
        }
    }
}
