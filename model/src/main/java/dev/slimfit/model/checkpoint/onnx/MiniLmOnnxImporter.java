package dev.slimfit.model.checkpoint.onnx;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.nn.Module;

import java.io.IOException;
import java.io.InputStream;

/**
 * The pretrained all-MiniLM-L6-v2 as a {@link BertModel} of this engine: the configuration of the checkpoint
 * (6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522, no pooler) with every weight imported from the ONNX file
 * that ships in the MiniLM jar ({@link MiniLmAssets}).
 */
public final class MiniLmOnnxImporter {

    /** The ONNX export has no pooler: it outputs last_hidden_state only. */
    public static final boolean HAS_POOLER = false;

    private MiniLmOnnxImporter() {
    }

    /** The configuration of all-MiniLM-L6-v2 (its number of labels is Hugging Face's default). */
    public static BertConfig config() {
        return BertConfig.miniLmL6(2);
    }

    /**
     * A new MiniLM on {@code device} (parameters named without prefix, in evaluation mode) with the pretrained
     * weights; every parameter is checked to come from the file.
     *
     * @param dropoutSeed seed of the dropout stream, for when the model is trained later
     */
    public static BertModel load(Device device, long dropoutSeed) throws IOException {
        BertModel model = new BertModel("", device, config(), new RandomStream(dropoutSeed), HAS_POOLER, false);
        try {
            importInto(model, false);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Imports the pretrained weights into a BERT model (or task model) of MiniLM's shape.
     *
     * @param allowMissing whether parameters MiniLM has no weights for (a task head, a pooler) are only reported
     */
    public static LoadReport importInto(Module model, boolean allowMissing) throws IOException {
        try (InputStream in = MiniLmAssets.openOnnx()) {
            return OnnxModelFile.withStream(in, "classpath:" + MiniLmAssets.ONNX_RESOURCE,
                    onnx -> BertOnnxImporter.importInto(model, onnx, allowMissing));
        }
    }
}
