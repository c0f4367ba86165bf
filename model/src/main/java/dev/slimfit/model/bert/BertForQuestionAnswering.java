package dev.slimfit.model.bert;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Linear;
import dev.slimfit.model.nn.Module;

import java.util.SplittableRandom;

/**
 * BERT for extractive question answering ({@code bert.*} without pooler, {@code qa_outputs.*}): per token a start
 * and an end logit; the loss is the mean of the start and end cross-entropies, as in Hugging Face.
 */
public final class BertForQuestionAnswering extends Module {

    private final BertModel bert;
    private final Linear qaOutputs;

    public BertForQuestionAnswering(Device device, BertConfig config, long seed, boolean attentionDropoutOnValues) {
        super("", device);
        RandomStream stream = new RandomStream(seed);
        this.bert = child(new BertModel("bert", device, config, stream, false, attentionDropoutOnValues));
        this.qaOutputs = child(new Linear("qa_outputs", device, config.hiddenSize(), 2, true));
    }

    public BertModel bert() {
        return bert;
    }

    /** Start and end logits, each [B, S]. */
    public Tensor[] logits(BertBatch batch) {
        try (Tensor hidden = bert.forward(batch);
             Tensor both = qaOutputs.forward(hidden);
             Names.Entered n = Names.at("qa_outputs");
             Tensor start = Ops.narrow(both, 2, 0, 1);
             Tensor end = Ops.narrow(both, 2, 1, 1)) {
            return new Tensor[] {Ops.reshape(start, batch.batch(), batch.seq()),
                Ops.reshape(end, batch.batch(), batch.seq())};
        }
    }

    /**
     * (CE(start, startPositions) + CE(end, endPositions)) / 2. Positions are clamped to [0, S] and S is ignored, as
     * Hugging Face does for answers truncated out of the window.
     */
    public Tensor loss(Tensor[] logits, int[] startPositions, int[] endPositions) {
        int seq = logits[0].dim(1);
        try (Names.Entered n = Names.at("loss");
             Tensor starts = Tensor.ofInts(device(), clampToIgnored(startPositions, seq), startPositions.length);
             Tensor ends = Tensor.ofInts(device(), clampToIgnored(endPositions, seq), endPositions.length);
             Tensor startLoss = Ops.crossEntropy(logits[0], starts, seq);
             Tensor endLoss = Ops.crossEntropy(logits[1], ends, seq);
             Tensor sum = Ops.add(startLoss, endLoss)) {
            return Ops.scale(sum, 0.5f);
        }
    }

    private static int[] clampToIgnored(int[] positions, int seq) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = Math.max(0, Math.min(seq, positions[i]));
        }
        return out;
    }

    public void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        bert.initialize(random);
        qaOutputs.initialize(bert.config().initializerRange(), random);
    }
}
