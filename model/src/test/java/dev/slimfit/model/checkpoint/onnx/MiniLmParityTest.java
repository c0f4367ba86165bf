package dev.slimfit.model.checkpoint.onnx;

import ai.onnxruntime.OrtException;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.tokenizer.BatchEncoding;
import dev.slimfit.model.tokenizer.EncodeOptions;
import dev.slimfit.model.tokenizer.Encoding;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our BERT with the imported MiniLM weights against onnxruntime on the same ONNX file: eight real sentences and two
 * sentence pairs, tokenized by our tokenizer and padded into one batch. last_hidden_state must agree within
 * {@value #MAX_ABS_DIFF} at every real token.
 *
 * <p>Padding positions are compared too, with the same bound: both implementations mask padding only as attention
 * keys (each adds a large negative number to those scores, which gives them weight 0), so a padding position is an
 * ordinary query over the real tokens and its output is well defined in both.
 */
class MiniLmParityTest {

    static final double MAX_ABS_DIFF = 1e-4;

    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "A man is playing a guitar on the street corner while people walk by.",
            "Memory-efficient fine-tuning freezes layers that barely change.",
            "Où est la gare? Je cherche le café près du musée.",
            "It was the best of times, it was the worst of times.",
            "Transformers encode each token in the context of every other token in the sentence.",
            "Stock markets fell sharply on Monday after the central bank raised interest rates by 0.5%.",
            "I love this movie!");
    private static final List<String[]> PAIRS = List.of(
            new String[] {"How do I reset my password?", "Click 'Forgot password' on the login page and follow the "
                    + "link we e-mail you."},
            new String[] {"A dog runs through the snow.", "An animal is outside in winter."});

    private static BertBatch batch;
    private static float[][][] expected;

    @BeforeAll
    static void runOnnxRuntime() throws IOException, OrtException {
        batch = tokenize();
        expected = OnnxRuntimeReference.lastHiddenState(batch);
    }

    /** All ten rows padded to the longest one, singles first, then pairs. */
    private static BertBatch tokenize() throws IOException {
        WordPieceTokenizer tokenizer = MiniLmAssets.tokenizer();
        EncodeOptions unpadded = tokenizer.defaultOptions().withoutPadding();
        List<String> firsts = PAIRS.stream().map(p -> p[0]).toList();
        List<String> seconds = PAIRS.stream().map(p -> p[1]).toList();
        int longest = 0;
        for (Encoding e : tokenizer.encodeBatch(SENTENCES, unpadded).rows()) {
            longest = Math.max(longest, e.length());
        }
        for (Encoding e : tokenizer.encodePairBatch(firsts, seconds, unpadded).rows()) {
            longest = Math.max(longest, e.length());
        }
        EncodeOptions padded = unpadded.paddedTo(longest);
        List<Encoding> rows = new ArrayList<>(tokenizer.encodeBatch(SENTENCES, padded).rows());
        rows.addAll(tokenizer.encodePairBatch(firsts, seconds, padded).rows());
        BatchEncoding all = new BatchEncoding(rows);
        return new BertBatch(all.batchSize(), all.sequenceLength(), all.flatIds(), all.flatTypeIds(),
                all.flatAttentionMask());
    }

    @Test
    void theBatchHasPaddingAndPairs() {
        int padded = 0;
        for (int m : batch.attentionMask()) {
            padded += 1 - m;
        }
        assertTrue(padded > 0, "some rows are padded");
        int secondSegment = 0;
        for (int t : batch.tokenTypeIds()) {
            secondSegment += t;
        }
        assertTrue(secondSegment > 0, "the pairs have token type 1");
        assertEquals(SENTENCES.size() + PAIRS.size(), batch.batch());
    }

    @Test
    void cpuForwardMatchesOnnxRuntime() throws IOException {
        Device device = Devices.cpu();
        try (BertModel model = MiniLmOnnxImporter.load(device, 0)) {
            float[] ours = lastHiddenState(model, batch);
            compare(ours, batch, "cpu");
        }
    }

    /** The scalar reference kernels on one sentence (no padding), against its row of the padded batch. */
    @Test
    void referenceForwardMatchesOnnxRuntimeOnOneSentence() throws IOException {
        int row = 0;
        int length = 0;
        for (int s = 0; s < batch.seq(); s++) {
            length += batch.attentionMask()[row * batch.seq() + s];
        }
        int[] ids = Arrays.copyOfRange(batch.inputIds(), 0, length);
        int[] types = Arrays.copyOfRange(batch.tokenTypeIds(), 0, length);
        int[] mask = Arrays.copyOfRange(batch.attentionMask(), 0, length);
        BertBatch single = new BertBatch(1, length, ids, types, mask);
        try (BertModel model = MiniLmOnnxImporter.load(Devices.reference(), 0)) {
            float[] ours = lastHiddenState(model, single);
            double worst = 0;
            int hidden = model.config().hiddenSize();
            for (int s = 0; s < length; s++) {
                for (int h = 0; h < hidden; h++) {
                    worst = Math.max(worst, Math.abs(ours[s * hidden + h] - expected[row][s][h]));
                }
            }
            assertTrue(worst <= MAX_ABS_DIFF, String.format(Locale.ROOT, "reference: max |diff| %.3g at real "
                    + "tokens of sentence 0", worst));
        }
    }

    private static float[] lastHiddenState(BertModel model, BertBatch input) {
        try (Scope _ = Scope.open(); GradMode.Restore _ = GradMode.disabled()) {
            Tensor hidden = model.forward(input);
            return hidden.toFloatArray();
        }
    }

    /** Max |diff| over real tokens and, separately, over padding positions, both within the bound. */
    private static void compare(float[] ours, BertBatch input, String device) {
        int seq = input.seq();
        int hidden = expected[0][0].length;
        double worstReal = 0;
        double worstPadding = 0;
        int realTokens = 0;
        for (int b = 0; b < input.batch(); b++) {
            for (int s = 0; s < seq; s++) {
                boolean real = input.attentionMask()[b * seq + s] != 0;
                realTokens += real ? 1 : 0;
                for (int h = 0; h < hidden; h++) {
                    double diff = Math.abs(ours[(b * seq + s) * hidden + h] - expected[b][s][h]);
                    if (real) {
                        worstReal = Math.max(worstReal, diff);
                    } else {
                        worstPadding = Math.max(worstPadding, diff);
                    }
                }
            }
        }
        String summary = String.format(Locale.ROOT, "%s: max |diff| %.3g over %d real tokens, %.3g over padding",
                device, worstReal, realTokens, worstPadding);
        System.out.println("MiniLM parity " + summary);
        assertTrue(worstReal <= MAX_ABS_DIFF, summary);
        assertTrue(worstPadding <= MAX_ABS_DIFF, summary);
    }
}
