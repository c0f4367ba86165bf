package dev.slimfit.demo;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.LedgerSnapshot;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.train.optim.AdamW;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A self-contained end-to-end check of the engine until the SlimFit trainer exists: a one-layer pre-LN transformer
 * encoder learns, from generated sequences, whether token 2 occurs more often than token 3 (an aggregation that
 * needs attention). Prints the loss as it trains, evaluation accuracy, time per step and the ledger's peak by
 * category.
 */
public final class TinyTransformerDemo {

    private static final int VOCAB = 24;
    private static final int SEQUENCE = 16;
    private static final int WIDTH = 32;
    private static final int HEADS = 4;
    private static final int FFN = 64;
    private static final int CLASSES = 2;
    private static final int CLS_TOKEN = 0;
    private static final int TOKEN_A = 2;
    private static final int TOKEN_B = 3;
    private static final float LAYER_NORM_EPS = 1e-5f;
    private static final float DROPOUT = 0.1f;
    private static final float INIT_STD = 0.08f;

    private final Device device;
    private final List<Tensor> parameters = new ArrayList<>();
    private final Tensor tokenEmbedding;
    private final Tensor positionEmbedding;
    private final Tensor ln1Weight;
    private final Tensor ln1Bias;
    private final Tensor[] attention = new Tensor[8];
    private final Tensor ln2Weight;
    private final Tensor ln2Bias;
    private final Tensor upWeight;
    private final Tensor upBias;
    private final Tensor downWeight;
    private final Tensor downBias;
    private final Tensor headWeight;
    private final Tensor headBias;
    private final RandomStream dropoutStream;

    private TinyTransformerDemo(Device device, long seed) {
        this.device = device;
        SplittableRandom init = new SplittableRandom(seed);
        tokenEmbedding = parameter("embeddings.word_embeddings.weight", init, INIT_STD, VOCAB, WIDTH);
        positionEmbedding = parameter("embeddings.position_embeddings.weight", init, INIT_STD, SEQUENCE, WIDTH);
        ln1Weight = constant("layer.0.attention.LayerNorm.weight", 1f, WIDTH);
        ln1Bias = constant("layer.0.attention.LayerNorm.bias", 0f, WIDTH);
        String[] names = {"query", "key", "value", "output.dense"};
        for (int i = 0; i < 4; i++) {
            attention[2 * i] = parameter("layer.0.attention." + names[i] + ".weight", init, INIT_STD, WIDTH, WIDTH);
            attention[2 * i + 1] = constant("layer.0.attention." + names[i] + ".bias", 0f, WIDTH);
        }
        ln2Weight = constant("layer.0.output.LayerNorm.weight", 1f, WIDTH);
        ln2Bias = constant("layer.0.output.LayerNorm.bias", 0f, WIDTH);
        upWeight = parameter("layer.0.intermediate.dense.weight", init, INIT_STD, FFN, WIDTH);
        upBias = constant("layer.0.intermediate.dense.bias", 0f, FFN);
        downWeight = parameter("layer.0.output.dense.weight", init, INIT_STD, WIDTH, FFN);
        downBias = constant("layer.0.output.dense.bias", 0f, WIDTH);
        headWeight = parameter("classifier.weight", init, INIT_STD, CLASSES, WIDTH);
        headBias = constant("classifier.bias", 0f, CLASSES);
        dropoutStream = new RandomStream(seed ^ 0x5eed);
    }

    private Tensor parameter(String name, SplittableRandom random, float std, int... dims) {
        Shape shape = Shape.of(dims);
        float[] values = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * std * Math.sqrt(3)); // uniform with that std
        }
        return register(Tensor.fromFloats(device, values, shape, Category.PARAMETER, name), name);
    }

    private Tensor constant(String name, float value, int... dims) {
        Shape shape = Shape.of(dims);
        float[] values = new float[Math.toIntExact(shape.numel())];
        java.util.Arrays.fill(values, value);
        return register(Tensor.fromFloats(device, values, shape, Category.PARAMETER, name), name);
    }

    private Tensor register(Tensor t, String name) {
        t.name(name).requiresGrad(true);
        parameters.add(t);
        return t;
    }

    /** Logits [batch, classes] for token ids [batch, SEQUENCE]. */
    private Tensor forward(Tensor ids, boolean training) {
        int batch = ids.dim(0);
        float p = training ? DROPOUT : 0f;
        Tensor x;
        try (Names.Entered n = Names.enter("embeddings")) {
            x = Ops.add(Ops.embedding(ids, tokenEmbedding), positionEmbedding);
        }
        try (Names.Entered n = Names.enter("layer.0.attention")) {
            Tensor h = Ops.layerNorm(x, ln1Weight, ln1Bias, LAYER_NORM_EPS);
            int headDim = WIDTH / HEADS;
            Tensor q = Ops.permute(Ops.reshape(Ops.linear(h, attention[0], attention[1]), batch, SEQUENCE, HEADS,
                    headDim), 0, 2, 1, 3);
            Tensor k = Ops.permute(Ops.reshape(Ops.linear(h, attention[2], attention[3]), batch, SEQUENCE, HEADS,
                    headDim), 0, 2, 3, 1);
            Tensor v = Ops.permute(Ops.reshape(Ops.linear(h, attention[4], attention[5]), batch, SEQUENCE, HEADS,
                    headDim), 0, 2, 1, 3);
            Tensor scores = Ops.matmul(q, k, SaveKinds.ATTENTION_QUERY, SaveKinds.ATTENTION_KEY);
            Tensor probs = Ops.softmax(scores, (float) (1 / Math.sqrt(headDim)), null, 1);
            Tensor context = Ops.matmul(probs, v, SaveKinds.SOFTMAX_OUTPUT, SaveKinds.ATTENTION_VALUE);
            Tensor merged = Ops.reshape(Ops.permute(context, 0, 2, 1, 3), batch, SEQUENCE, WIDTH);
            x = Ops.add(x, Ops.dropout(Ops.linear(merged, attention[6], attention[7]), p, dropoutStream));
        }
        try (Names.Entered n = Names.enter("layer.0.ffn")) {
            Tensor h = Ops.layerNorm(x, ln2Weight, ln2Bias, LAYER_NORM_EPS);
            Tensor up = Ops.gelu(Ops.linear(h, upWeight, upBias));
            x = Ops.add(x, Ops.dropout(Ops.linear(up, downWeight, downBias), p, dropoutStream));
        }
        try (Names.Entered n = Names.enter("classifier")) {
            Tensor cls = Ops.reshape(Ops.narrow(x, 1, 0, 1), batch, WIDTH);
            return Ops.linear(cls, headWeight, headBias);
        }
    }

    /** Generated examples: ids [count, SEQUENCE] with [CLS] first, labels 1 when token A outnumbers token B. */
    private record Data(int[] ids, int[] labels, int count) {
        static Data generate(int count, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] ids = new int[count * SEQUENCE];
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                int a = 0;
                int b = 0;
                do {
                    a = 0;
                    b = 0;
                    ids[i * SEQUENCE] = CLS_TOKEN;
                    for (int t = 1; t < SEQUENCE; t++) {
                        int token = random.nextInt(TOKEN_A, VOCAB);
                        // make A and B frequent so that counting matters
                        if (random.nextInt(3) == 0) {
                            token = random.nextBoolean() ? TOKEN_A : TOKEN_B;
                        }
                        ids[i * SEQUENCE + t] = token;
                        a += token == TOKEN_A ? 1 : 0;
                        b += token == TOKEN_B ? 1 : 0;
                    }
                } while (a == b);
                labels[i] = a > b ? 1 : 0;
            }
            return new Data(ids, labels, count);
        }

        int[] batchIds(int start, int size) {
            return java.util.Arrays.copyOfRange(ids, start * SEQUENCE, (start + size) * SEQUENCE);
        }

        int[] batchLabels(int start, int size) {
            return java.util.Arrays.copyOfRange(labels, start, start + size);
        }
    }

    private double evaluate(Data data, int batchSize) {
        int correct = 0;
        try (GradMode.Restore off = GradMode.disabled()) {
            for (int start = 0; start + batchSize <= data.count(); start += batchSize) {
                try (Scope scope = Scope.open()) {
                    Tensor ids = Tensor.ofInts(device, data.batchIds(start, batchSize), batchSize, SEQUENCE);
                    float[] logits = forward(ids, false).toFloatArray();
                    int[] labels = data.batchLabels(start, batchSize);
                    for (int i = 0; i < batchSize; i++) {
                        int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                        correct += predicted == labels[i] ? 1 : 0;
                    }
                }
            }
        }
        return correct / (double) (data.count() / batchSize * batchSize);
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int batchSize = 32;
        float peakLr = 3e-3f;
        long seed = 42;
        // "ref" as second argument runs on the scalar reference kernels (slow; for checking)
        Device device = args.length > 1 && args[1].equals("ref") ? Devices.reference() : Devices.cpu();
        MemoryLedger ledger = device.ledger();
        System.out.printf(Locale.ROOT, "tiny transformer demo on %s: %d steps, batch %d, seq %d, width %d%n", device,
                steps, batchSize, SEQUENCE, WIDTH);
        Data train = Data.generate(steps * batchSize, seed);
        Data eval = Data.generate(2048, seed + 1);
        TinyTransformerDemo model = new TinyTransformerDemo(device, seed);
        try (AdamW optimizer = new AdamW(model.parameters, AdamW.Options.defaults(), AdamW::decaysByName)) {
            ledger.resetPeaks();
            long started = System.nanoTime();
            double lossSum = 0;
            for (int step = 0; step < steps; step++) {
                float lr = peakLr * (1 - step / (float) steps);
                try (Scope scope = Scope.open()) {
                    Tensor ids = Tensor.ofInts(device, train.batchIds(step * batchSize, batchSize), batchSize,
                            SEQUENCE);
                    Tensor labels = Tensor.ofInts(device, train.batchLabels(step * batchSize, batchSize), batchSize);
                    Tensor loss = Ops.crossEntropy(model.forward(ids, true), labels, -100);
                    lossSum += loss.item();
                    Autograd.backward(loss);
                }
                optimizer.step(lr, ChangeMetric.NONE);
                if ((step + 1) % 50 == 0) {
                    double ms = (System.nanoTime() - started) / 1e6 / (step + 1);
                    System.out.printf(Locale.ROOT, "step %4d  loss %.4f  lr %.2e  %.1f ms/step%n", step + 1,
                            lossSum / 50, lr, ms);
                    lossSum = 0;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            LedgerSnapshot peak = ledger.snapshot();
            double accuracy = model.evaluate(eval, 256);
            System.out.printf(Locale.ROOT, "trained %d steps in %.1f s (%.1f ms/step); eval accuracy %.1f%% on %d "
                    + "sequences%n", steps, seconds, seconds * 1e3 / steps, accuracy * 100, eval.count());
            System.out.println("memory ledger during training (peak by category):");
            System.out.print(peak.table());
        } finally {
            model.parameters.forEach(Tensor::close);
        }
        if (ledger.liveTotal() != 0) {
            throw new IllegalStateException("ledger not empty after closing everything: " + ledger.liveTotal()
                    + " bytes");
        }
    }
}
