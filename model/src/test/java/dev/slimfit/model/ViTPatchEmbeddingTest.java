package dev.slimfit.model;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ViT embedding (patch extraction + one GEMM, [CLS], positions) against a direct strided convolution computed
 * here in plain double loops from the same parameter values.
 */
class ViTPatchEmbeddingTest {

    @Test
    void patchEmbeddingEqualsADirectConvolution() {
        Device device = Devices.reference();
        TestRandom random = new TestRandom();
        ViTConfig config = TinyModels.vit(2, 0f);
        int batch = 2;
        int channels = config.numChannels();
        int size = config.imageSize();
        int p = config.patchSize();
        int hidden = config.hiddenSize();
        int side = config.patchesPerSide();
        try (ViTForImageClassification model = new ViTForImageClassification(device, config, 1, false);
             Scope scope = Scope.open();
             GradMode.Restore off = GradMode.disabled()) {
            model.initialize(random.nextLong());
            var params = model.namedParameters();
            float[] weight = params.get("vit.embeddings.patch_embeddings.projection.weight").toFloatArray();
            float[] bias = params.get("vit.embeddings.patch_embeddings.projection.bias").toFloatArray();
            float[] cls = params.get("vit.embeddings.cls_token").toFloatArray();
            float[] position = params.get("vit.embeddings.position_embeddings").toFloatArray();
            float[] pixels = random.uniform(batch * channels * size * size, -1, 1);
            Tensor images = Tensor.of(device, pixels, batch, channels, size, size);
            float[] embedded = model.vit().embed(images).toFloatArray();
            int tokens = side * side + 1;
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < hidden; h++) {
                    assertEquals(cls[h] + position[h], embedded[(b * tokens) * hidden + h], 1e-6);
                }
                for (int py = 0; py < side; py++) {
                    for (int px = 0; px < side; px++) {
                        int token = 1 + py * side + px;
                        for (int h = 0; h < hidden; h++) {
                            double conv = bias[h];
                            for (int c = 0; c < channels; c++) {
                                for (int ky = 0; ky < p; ky++) {
                                    for (int kx = 0; kx < p; kx++) {
                                        double w = weight[((h * channels + c) * p + ky) * p + kx];
                                        double x = pixels[((b * channels + c) * size + py * p + ky) * size
                                                + px * p + kx];
                                        conv += w * x;
                                    }
                                }
                            }
                            double expected = conv + position[token * hidden + h];
                            assertEquals(expected, embedded[(b * tokens + token) * hidden + h], 1e-5,
                                    "image " + b + " patch (" + py + "," + px + ") channel " + h + "; "
                                            + random.describe());
                        }
                    }
                }
            }
        }
    }
}
