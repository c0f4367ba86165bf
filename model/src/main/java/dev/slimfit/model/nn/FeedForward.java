package dev.slimfit.model.nn;

import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import static dev.slimfit.model.nn.Intermediates.consume;

/**
 * The transformer feed-forward block {@code down(gelu(up(x)))}, run over slices of the batch when the batch holds
 * more than {@link #chunkTokens()} tokens. Every row is independent, so the result is the same; what changes is that
 * the [tokens, intermediate] pre-activation — 4× the hidden size, the largest temporary of a layer — exists for one
 * slice at a time (BERT-base, batch 32, seq 128: 12 MiB instead of 48 MiB at the moment the layer's forward or
 * backward peaks). Like Hugging Face's {@code chunk_size_feed_forward}, but over whole examples, whose rows are
 * contiguous, so slices are views, not copies.
 */
public final class FeedForward {

    /** Tokens per slice unless {@code -Dslimfit.model.feedForwardChunkTokens} says otherwise (0: never slice). */
    public static final int DEFAULT_CHUNK_TOKENS = 1024;

    private FeedForward() {
    }

    /** Tokens per slice now in force; 0 runs the block on the whole batch at once. */
    public static int chunkTokens() {
        return Integer.getInteger("slimfit.model.feedForwardChunkTokens", DEFAULT_CHUNK_TOKENS);
    }

    /**
     * @param x [B, ..., hidden], sliced along its first dimension
     * @param geluPath the {@link Names} path of the activation (e.g. {@code encoder.layer.0.intermediate})
     */
    public static Tensor forward(Tensor x, Linear up, Linear down, String geluPath) {
        return forward(x, up, down, geluPath, chunkTokens());
    }

    /** {@link #forward(Tensor, Linear, Linear, String)} with slices of at most {@code chunk} tokens (0: none). */
    public static Tensor forward(Tensor x, Linear up, Linear down, String geluPath, int chunk) {
        int batch = x.dim(0);
        long tokensPerExample = batch == 0 ? 1 : Math.max(1, x.numel() / ((long) batch * x.dim(-1)));
        int examplesPerSlice = chunk <= 0 ? batch : (int) Math.max(1, chunk / tokensPerExample);
        if (examplesPerSlice >= batch) {
            return block(x, up, down, geluPath);
        }
        int slices = (batch + examplesPerSlice - 1) / examplesPerSlice;
        Tensor[] outputs = new Tensor[slices];
        try {
            for (int i = 0; i < slices; i++) {
                int start = i * examplesPerSlice;
                try (Tensor slice = Ops.narrow(x, 0, start, Math.min(examplesPerSlice, batch - start))) {
                    outputs[i] = block(slice, up, down, geluPath);
                }
            }
            return Ops.concat(0, outputs);
        } finally {
            for (Tensor output : outputs) {
                if (output != null) {
                    output.close();
                }
            }
        }
    }

    private static Tensor block(Tensor x, Linear up, Linear down, String geluPath) {
        Tensor preActivation = up.forward(x);
        Tensor activated = Intermediates.at(geluPath, () -> Ops.geluConsuming(preActivation));
        return consume(activated, down::forward);
    }
}
