package dev.slimfit.model.checkpoint.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertBatch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** onnxruntime running the MiniLM ONNX file from the jar: the third-party forward pass the parity test trusts. */
final class OnnxRuntimeReference {

    private OnnxRuntimeReference() {
    }

    /** last_hidden_state [B][S][hidden] of {@code batch}, from onnxruntime (its int64 inputs built from the batch). */
    static float[][][] lastHiddenState(BertBatch batch) throws IOException, OrtException {
        Path model = Files.createTempFile("minilm-ort-", ".onnx");
        try {
            try (InputStream in = MiniLmAssets.openOnnx()) {
                Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                 OrtSession session = env.createSession(model.toString(), options);
                 OnnxTensor ids = OnnxTensor.createTensor(env, rows(batch.inputIds(), batch));
                 OnnxTensor mask = OnnxTensor.createTensor(env, rows(batch.attentionMask(), batch));
                 OnnxTensor types = OnnxTensor.createTensor(env, rows(batch.tokenTypeIds(), batch));
                 OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                         "token_type_ids", types))) {
                OnnxValue output = result.get("last_hidden_state").orElseThrow(() ->
                        new IllegalStateException("onnxruntime gave no last_hidden_state"));
                return (float[][][]) output.getValue();
            }
        } finally {
            Files.deleteIfExists(model);
        }
    }

    private static long[][] rows(int[] flat, BertBatch batch) {
        long[][] out = new long[batch.batch()][batch.seq()];
        for (int b = 0; b < batch.batch(); b++) {
            for (int s = 0; s < batch.seq(); s++) {
                out[b][s] = flat[b * batch.seq() + s];
            }
        }
        return out;
    }
}
