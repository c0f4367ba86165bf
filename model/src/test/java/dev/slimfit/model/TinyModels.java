package dev.slimfit.model;

import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.kernels.TestRandom;

/** Tiny configurations of the real architectures, small enough for finite differences over every parameter. */
public final class TinyModels {

    private TinyModels() {
    }

    /** 2 layers, hidden 8 (2 heads of 4), FFN 12, vocab 11, 2 token types; dropout as given. */
    public static BertConfig bert(int numLabels, float dropout) {
        return new BertConfig(11, 8, 2, 2, 12, "gelu", dropout, dropout, 16, 2, 1e-12f, 0.5, numLabels);
    }

    /** 1 layer, hidden 8 (2 heads), FFN 12, 6×6 RGB images in 3×3 patches (4 patches). */
    public static ViTConfig vit(int numLabels, float dropout) {
        return new ViTConfig(8, 1, 2, 12, "gelu", dropout, dropout, 0.5, 1e-12f, 6, 3, 3, numLabels);
    }

    /** A random batch with padding at the end of some rows (never of the first token). */
    public static BertBatch batch(TestRandom random, BertConfig config, int batch, int seq) {
        int[] ids = random.ints(batch * seq, config.vocabSize());
        int[] types = random.ints(batch * seq, config.typeVocabSize());
        int[] mask = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            int length = 1 + random.nextInt(seq);
            for (int s = 0; s < seq; s++) {
                mask[b * seq + s] = s < length ? 1 : 0;
            }
        }
        return new BertBatch(batch, seq, ids, types, mask);
    }
}
