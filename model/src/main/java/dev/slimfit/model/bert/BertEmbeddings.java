package dev.slimfit.model.bert;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
import dev.slimfit.model.nn.Embedding;
import dev.slimfit.model.nn.Intermediates;
import dev.slimfit.model.nn.LayerNorm;
import dev.slimfit.model.nn.Module;

import java.util.SplittableRandom;

/** Word + position + token-type embeddings, LayerNorm, dropout (Hugging Face {@code BertEmbeddings}). */
public final class BertEmbeddings extends Module {

    private final Embedding word;
    private final Embedding position;
    private final Embedding tokenType;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    BertEmbeddings(String name, Device device, BertConfig config, Dropout dropout) {
        super(name, device);
        this.word = child(new Embedding(qualify("word_embeddings"), device, config.vocabSize(), config.hiddenSize()));
        this.position = child(new Embedding(qualify("position_embeddings"), device, config.maxPositionEmbeddings(),
                config.hiddenSize()));
        this.tokenType = child(new Embedding(qualify("token_type_embeddings"), device, config.typeVocabSize(),
                config.hiddenSize()));
        this.layerNorm = child(new LayerNorm(qualify("LayerNorm"), device, config.hiddenSize(),
                config.layerNormEps()));
        this.dropout = dropout;
    }

    /**
     * @param ids int32 [B, S]
     * @param tokenTypes int32 [B, S]
     * @param positions int32 [S] = 0..S−1
     */
    Tensor forward(Tensor ids, Tensor tokenTypes, Tensor positions) {
        try (Names.Entered n = Names.at(name())) {
            Tensor w = word.forward(ids);
            Tensor wt;
            try (w; Tensor t = tokenType.forward(tokenTypes)) {
                wt = Ops.add(w, t);
            }
            Tensor sum;
            try (wt; Tensor p = position.forward(positions)) {
                sum = Ops.add(wt, p);
            }
            Tensor normed = Intermediates.consume(sum, layerNorm::forward);
            return dropout.forwardConsuming(normed, isTraining());
        }
    }

    public Embedding word() {
        return word;
    }

    void initialize(double std, SplittableRandom random) {
        word.initialize(std, random);
        position.initialize(std, random);
        tokenType.initialize(std, random);
        layerNorm.initialize();
    }
}
