package dev.slimfit.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face tokenizers library (Rust, through DJL's Java binding and the native library its jar bundles)
 * loaded from a tokenizer.json, configured like one of our {@link EncodeOptions}: the third-party reference of the
 * parity tests.
 */
final class HuggingFaceReference implements AutoCloseable {

    static {
        // Never reach for the network: offline mode makes DJL take the CPU build of its native library, which its
        // jar bundles (only CUDA builds are downloaded). Its cache goes under target/, so every clean build shows
        // again that the library loads from the jar.
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ENGINE_CACHE_DIR") == null) {
            System.setProperty("ENGINE_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
        }
    }

    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceReference(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * @param tokenizerJson the file
     * @param maxLength     truncate to this many tokens (special tokens included), or -1 for no truncation
     * @param padding       "false" (none), "longest" (to the batch's longest) or "max_length" (to maxLength)
     * @param addSpecial    whether [CLS]/[SEP] are added
     */
    static HuggingFaceReference load(Path tokenizerJson, int maxLength, String padding, boolean addSpecial)
            throws IOException {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", Boolean.toString(addSpecial));
        options.put("truncation", maxLength >= 0 ? "longest_first" : "false");
        options.put("padding", padding);
        if (maxLength >= 0) {
            options.put("maxLength", Integer.toString(maxLength));
            options.put("modelMaxLength", Integer.toString(maxLength));
        }
        return new HuggingFaceReference(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
    }

    Encoding encode(String text) {
        return convert(tokenizer.encode(text));
    }

    Encoding encodePair(String first, String second) {
        return convert(tokenizer.encode(first, second));
    }

    Encoding[] encodeBatch(List<String> texts) {
        ai.djl.huggingface.tokenizers.Encoding[] encodings = tokenizer.batchEncode(texts);
        Encoding[] out = new Encoding[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            out[i] = convert(encodings[i]);
        }
        return out;
    }

    List<String> tokens(String text) {
        return List.of(tokenizer.encode(text, false, false).getTokens());
    }

    /** The tokens of {@code text} without special tokens, with the library's character spans. */
    TokenOffsets offsets(String text) {
        ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(text, false, false);
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[spans.length];
        int[] ends = new int[spans.length];
        for (int i = 0; i < spans.length; i++) {
            starts[i] = spans[i].getStart();
            ends[i] = spans[i].getEnd();
        }
        return new TokenOffsets(toInts(encoding.getIds()), starts, ends);
    }

    private static Encoding convert(ai.djl.huggingface.tokenizers.Encoding encoding) {
        return new Encoding(toInts(encoding.getIds()), toInts(encoding.getTypeIds()),
                toInts(encoding.getAttentionMask()));
    }

    private static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
