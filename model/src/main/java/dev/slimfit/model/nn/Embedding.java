package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import java.util.SplittableRandom;

/** A lookup table {@code weight [rows, dim]} indexed by int32 ids. */
public final class Embedding extends Module {

    private final Tensor weight;

    public Embedding(String name, Device device, int rows, int dim) {
        super(name, device);
        this.weight = parameter("weight", rows, dim);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor forward(Tensor ids) {
        try (Names.Entered n = Names.at(name())) {
            return Ops.embedding(ids, weight);
        }
    }

    public void initialize(double std, SplittableRandom random) {
        Init.normal(weight, std, random);
    }
}
