package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import static dev.slimfit.model.nn.Intermediates.consume;

/**
 * The transformer feed-forward block {@code down(gelu(up(x)))}, run over slices of the batch when its
 * [tokens, intermediate] pre-activation — 4× the hidden size, the largest temporary of a layer — would exceed
 * {@link #sliceBytes}. Every row is independent, so the result is the same; what changes is that the
 * pre-activation and its gradient exist for one slice at a time (BERT-base, batch 32, seq 128: 6 MiB instead of
 * 48 MiB when the layer's forward or backward peaks). Like Hugging Face's {@code chunk_size_feed_forward}, but over
 * whole examples, whose rows are contiguous, so slices are views, not copies.
 */
public final class FeedForward {

    /** System property overriding the slice size in bytes on every device (0: never slice). */
    public static final String SLICE_BYTES_PROPERTY = "slimfit.model.feedForwardSliceBytes";

    /**
     * Bytes of pre-activation one slice may hold on the host. 6 MiB keeps BERT-base's feed-forward backward (at batch
     * 32 × 128) below its attention's and gives every slice at least 512 rows, where the CPU's GEMM still runs at full
     * speed; MiniLM (intermediate 1536) slices at 1,024 tokens, BERT-base (3072) at 512.
     */
    public static final long HOST_SLICE_BYTES = 6L << 20;

    private FeedForward() {
    }

    /**
     * Pre-activation bytes per slice on {@code device}; 0 runs the block on the whole batch at once, which a GPU does
     * by default: 512-row GEMMs leave most of an H100's multiprocessors idle (BERT-base full step, batch 32 × 128:
     * 85.5 ms with 6 MiB slices, 75.7 with 24 MiB, 70.6 unsliced, for 1% more peak memory).
     */
    public static long sliceBytes(Device device) {
        return Long.getLong(SLICE_BYTES_PROPERTY, device.isHost() ? HOST_SLICE_BYTES : 0);
    }

    /**
     * @param x [B, ..., hidden], sliced along its first dimension
     * @param geluPath the {@link Names} path of the activation (e.g. {@code encoder.layer.0.intermediate})
     */
    public static Tensor forward(Tensor x, Linear up, Linear down, String geluPath) {
        long rowBytes = (long) up.weight().dim(0) * Float.BYTES;
        long bytes = sliceBytes(x.device());
        int chunk = bytes <= 0 ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / rowBytes));
        return forward(x, up, down, geluPath, chunk);
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
