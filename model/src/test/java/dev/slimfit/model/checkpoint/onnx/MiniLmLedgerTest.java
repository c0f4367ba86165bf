package dev.slimfit.model.checkpoint.onnx;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.tokenizer.BatchEncoding;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Importing MiniLM allocates nothing but the model's parameters, and a batch run in a scope (inference, or forward
 * and backward) gives back every other byte: the ledger then holds exactly the PARAMETER bytes of the model.
 */
class MiniLmLedgerTest {

    @Test
    void importAndOneBatchLeaveExactlyTheParameters() throws IOException {
        CpuDevice device = freshDevice("minilm-ledger");
        MemoryLedger ledger = device.ledger();
        try (BertModel model = MiniLmOnnxImporter.load(device, 0)) {
            long parameters = model.parameterBytes();
            assertOnlyParameters(ledger, parameters, "after the import");
            assertEquals(parameters, ledger.peakTotal(), "the import allocated nothing beyond the parameters");

            BertBatch batch = batch();
            try (Scope _ = Scope.open(); GradMode.Restore _ = GradMode.disabled()) {
                model.forward(batch);
            }
            assertOnlyParameters(ledger, parameters, "after an inference batch");
            assertEquals(0, ledger.peak(Category.ACTIVATION), "inference saves nothing");

            try (Scope _ = Scope.open()) {
                Tensor hidden = model.forward(batch);
                Tensor loss = Ops.mean(hidden);
                Autograd.backward(loss);
            }
            assertTrue(ledger.peak(Category.ACTIVATION) > 0, "the training batch did save activations");
            assertEquals(parameters, ledger.live(Category.GRADIENT), "one gradient per trainable parameter");
            model.parameters().forEach(Tensor::releaseGrad);
            assertOnlyParameters(ledger, parameters, "after a training batch and releasing its gradients");
        }
        assertEquals(0, ledger.liveTotal(), "closing the model frees everything");
    }

    @Test
    void theReportAccountsForEveryWeightOfTheFile() throws IOException {
        CpuDevice device = freshDevice("minilm-report");
        try (BertModel model = new BertModel("", device, MiniLmOnnxImporter.config(),
                new RandomStream(0), MiniLmOnnxImporter.HAS_POOLER, false)) {
            LoadReport report = MiniLmOnnxImporter.importInto(model, true);
            assertTrue(report.isComplete(), report.toString());
            assertEquals(model.namedParameters().size(), report.loaded().size());
            // the only initializer that is not a weight is the position-id buffer
            assertEquals(List.of("embeddings.position_ids"), report.unexpected());
        }
    }

    private static BertBatch batch() throws IOException {
        WordPieceTokenizer tokenizer = MiniLmAssets.tokenizer();
        BatchEncoding encoding = tokenizer.encodeBatch(List.of("A short one.", "A somewhat longer sentence, with a "
                + "comma and padding after the shorter one."), tokenizer.defaultOptions().paddedToLongest());
        return new BertBatch(encoding.batchSize(), encoding.sequenceLength(), encoding.flatIds(),
                encoding.flatTypeIds(), encoding.flatAttentionMask());
    }

    private static void assertOnlyParameters(MemoryLedger ledger, long parameterBytes, String when) {
        assertEquals(parameterBytes, ledger.live(Category.PARAMETER), "PARAMETER bytes " + when);
        for (Category c : Category.values()) {
            if (c != Category.PARAMETER) {
                assertEquals(0, ledger.live(c), c + " bytes " + when);
            }
        }
        assertEquals(parameterBytes, ledger.liveTotal(), "total bytes " + when);
    }
}
