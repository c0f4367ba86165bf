package dev.slimfit.model.vit;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
import dev.slimfit.model.nn.Init;
import dev.slimfit.model.nn.LayerNorm;
import dev.slimfit.model.nn.Module;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ViT encoder (Hugging Face {@code ViTModel} without pooler): patch embedding, [CLS] token, position
 * embeddings, pre-LN layers and a final LayerNorm. The patch embedding is the checkpoint's convolution
 * ({@code patch_embeddings.projection.weight [hidden, C, p, p]}) with stride = kernel, computed as patch extraction
 * (a view + copy) followed by one GEMM with the weight viewed as [hidden, C·p·p].
 */
public final class ViTModel extends Module {

    private final ViTConfig config;
    private final Tensor clsToken;
    private final Tensor positionEmbeddings;
    private final Tensor projectionWeight;
    private final Tensor projectionBias;
    private final List<ViTLayer> layers = new ArrayList<>();
    private final LayerNorm layerNorm;
    private final Dropout hiddenDropout;
    private final RandomStream dropoutStream;

    public ViTModel(String prefix, Device device, ViTConfig config, RandomStream dropoutStream,
                    boolean attentionDropoutOnValues) {
        super(prefix, device);
        this.config = config;
        this.dropoutStream = dropoutStream;
        int hidden = config.hiddenSize();
        this.clsToken = parameter("embeddings.cls_token", 1, 1, hidden);
        this.positionEmbeddings = parameter("embeddings.position_embeddings", 1, config.numPatches() + 1, hidden);
        this.projectionWeight = parameter("embeddings.patch_embeddings.projection.weight", hidden,
                config.numChannels(), config.patchSize(), config.patchSize());
        this.projectionBias = parameter("embeddings.patch_embeddings.projection.bias", hidden);
        this.hiddenDropout = new Dropout(config.hiddenDropoutProb(), dropoutStream);
        Dropout attention = new Dropout(config.attentionProbsDropoutProb(), dropoutStream);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(child(new ViTLayer(qualify("encoder.layer." + i), device, config, hiddenDropout, attention,
                    attentionDropoutOnValues)));
        }
        this.layerNorm = child(new LayerNorm(qualify("layernorm"), device, hidden, config.layerNormEps()));
    }

    public ViTConfig config() {
        return config;
    }

    public RandomStream dropoutStream() {
        return dropoutStream;
    }

    /**
     * The patches of {@code images [B, C, H, W]} as rows [B·N, C·p·p], each row ordered (channel, row, column)
     * like the convolution weight, patches in row-major order over the image.
     */
    public static Tensor extractPatches(Tensor images, int patchSize) {
        int batch = images.dim(0);
        int channels = images.dim(1);
        int height = images.dim(2);
        int width = images.dim(3);
        int rows = height / patchSize;
        int cols = width / patchSize;
        try (Tensor split = Ops.reshape(images, batch, channels, rows, patchSize, cols, patchSize);
             Tensor ordered = Ops.permute(split, 0, 2, 4, 1, 3, 5);
             Tensor dense = Ops.contiguous(ordered)) {
            return Ops.reshape(dense, batch * rows * cols, channels * patchSize * patchSize);
        }
    }

    /** The final normalised hidden states [B, N + 1, hidden] of {@code images [B, C, H, W]}. */
    public Tensor forward(Tensor images) {
        Tensor x = embed(images);
        for (ViTLayer layer : layers) {
            x = layer.forwardConsuming(x);
        }
        try (Tensor last = x) {
            return layerNorm.forward(last);
        }
    }

    /** The embedded sequence [B, N + 1, hidden]: [CLS] then the projected patches, plus positions, dropout. */
    public Tensor embed(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != config.numChannels() || images.dim(2) != config.imageSize()
                || images.dim(3) != config.imageSize()) {
            throw new IllegalArgumentException("ViTModel: images " + images.describe() + " do not match the config ["
                    + "B, " + config.numChannels() + ", " + config.imageSize() + ", " + config.imageSize() + "]");
        }
        int batch = images.dim(0);
        int hidden = config.hiddenSize();
        try (Names.Entered n = Names.at(qualify("embeddings"));
             Tensor patches = extractPatches(images, config.patchSize());
             Tensor weight = Ops.reshape(projectionWeight, hidden, config.patchDim());
             Tensor projected = Ops.linear(patches, weight, projectionBias);
             Tensor tokens = Ops.reshape(projected, batch, config.numPatches(), hidden);
             Tensor cls = Ops.expand(clsToken, batch, 1, hidden);
             Tensor sequence = Ops.concat(1, cls, tokens);
             Tensor positioned = Ops.add(sequence, positionEmbeddings)) {
            return hiddenDropout.forward(positioned, isTraining());
        }
    }

    /** Hugging Face's initialisation (normal weights, zero biases, unit LayerNorms, normal [CLS] and positions). */
    public void initialize(SplittableRandom random) {
        double std = config.initializerRange();
        Init.normal(clsToken, std, random);
        Init.normal(positionEmbeddings, std, random);
        Init.normal(projectionWeight, std, random);
        Init.constant(projectionBias, 0f);
        for (ViTLayer layer : layers) {
            layer.initialize(std, random);
        }
        layerNorm.initialize();
    }
}
