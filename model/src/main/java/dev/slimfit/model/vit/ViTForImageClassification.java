package dev.slimfit.model.vit;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Linear;
import dev.slimfit.model.nn.Module;

import java.util.SplittableRandom;

/** ViT with a linear classifier over the final [CLS] state ({@code vit.*}, {@code classifier.*}). */
public final class ViTForImageClassification extends Module {

    private final ViTModel vit;
    private final Linear classifier;

    public ViTForImageClassification(Device device, ViTConfig config, long seed, boolean attentionDropoutOnValues) {
        super("", device);
        this.vit = child(new ViTModel("vit", device, config, new RandomStream(seed), attentionDropoutOnValues));
        this.classifier = child(new Linear("classifier", device, config.hiddenSize(), config.numLabels(), true));
    }

    public ViTModel vit() {
        return vit;
    }

    public Linear classifier() {
        return classifier;
    }

    /** Logits [B, numLabels] of {@code images [B, C, H, W]}. */
    public Tensor logits(Tensor images) {
        int batch = images.dim(0);
        try (Tensor hidden = vit.forward(images);
             Names.Entered n = Names.at("classifier");
             Tensor first = Ops.narrow(hidden, 1, 0, 1);
             Tensor cls = Ops.reshape(first, batch, vit.config().hiddenSize())) {
            return classifier.forward(cls);
        }
    }

    public Tensor loss(Tensor logits, int[] labels) {
        try (Names.Entered n = Names.at("loss"); Tensor targets = Tensor.ofInts(device(), labels, labels.length)) {
            return Ops.crossEntropy(logits, targets, -100);
        }
    }

    public void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        vit.initialize(random);
        classifier.initialize(vit.config().initializerRange(), random);
    }
}
