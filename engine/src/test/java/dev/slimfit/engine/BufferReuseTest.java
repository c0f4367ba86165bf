package dev.slimfit.engine;

import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavePolicy;
import dev.slimfit.engine.autograd.SaveSite;
import dev.slimfit.engine.autograd.SavedSlot;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's ways of not holding two buffers where one will do — ops that write over a consumed input, GEMM on
 * two-level batch views, backward passes that decode saved operands a slice at a time, slice-wise encoding of strided
 * views — give the same numbers as the plain way, and really hold less; on every device.
 */
class BufferReuseTest {

    private static final List<Codec> CODECS = List.of(new Codec.FixedInt8(4), new Codec.FixedUint8(),
            new Codec.FixedInt4(2), new Codec.TopK(0.25));

    private final TestRandom random = new TestRandom();

    static Stream<Device> devices() {
        return EngineDevices.all();
    }

    private Tensor randomTensor(Device device, float lo, float hi, int... dims) {
        return Tensor.of(device, random.uniform((int) Shape.of(dims).numel(), lo, hi), dims);
    }

    private static SavePolicy.Installed encodeAs(String kind, Codec codec) {
        return SavePolicy.use(site -> site.kind().equals(kind) ? codec : Codec.NONE);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void geluConsumingWritesOverAnEncodedInputAndAgreesWithGelu(Device device) {
        MemoryLedger ledger = device.ledger();
        float[] values = random.uniform(32 * 48, -4, 4);
        for (Codec codec : List.of(new Codec.FixedInt4(2), Codec.NONE)) {
            float[][] plain = geluOutputAndGradient(device, values, codec, false);
            float[][] consuming = geluOutputAndGradient(device, values, codec, true);
            assertArrayEquals(plain[0], consuming[0], codec.label() + ": outputs");
            assertArrayEquals(plain[1], consuming[1], codec.label() + ": gradients");
        }
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = encodeAs(SaveKinds.GELU_INPUT,
                new Codec.FixedInt4(2))) {
            Tensor x = Tensor.of(device, values, 32, 48).requiresGrad(true);
            Tensor h = Ops.scale(x, 1f);
            long before = ledger.live(Category.WORKSPACE);
            Tensor y = Ops.geluConsuming(h);
            assertTrue(h.isClosed(), "the consumed input is closed");
            assertEquals(before, ledger.live(Category.WORKSPACE), "encoded save: the output reuses the input's buffer");
        }
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = SavePolicy.use(site -> Codec.NONE)) {
            Tensor x = Tensor.of(device, values, 32, 48).requiresGrad(true);
            Tensor h = Ops.scale(x, 1f);
            long before = ledger.live(Category.WORKSPACE) + ledger.live(Category.ACTIVATION);
            Ops.geluConsuming(h);
            assertEquals(before + 32L * 48 * Float.BYTES,
                    ledger.live(Category.WORKSPACE) + ledger.live(Category.ACTIVATION),
                    "exact save: the input is kept for backward, so the output is a new buffer");
        }
    }

    private float[][] geluOutputAndGradient(Device device, float[] values, Codec codec, boolean consuming) {
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = encodeAs(SaveKinds.GELU_INPUT, codec)) {
            Tensor x = Tensor.of(device, values, 32, 48).requiresGrad(true);
            Tensor h = Ops.scale(x, 1f);
            Tensor y = consuming ? Ops.geluConsuming(h) : Ops.gelu(h);
            float[] out = y.toFloatArray();
            // a non-uniform upstream gradient that is its own buffer, so backward may also work in place
            Tensor weights = randomTensorSeeded(device, y.shape());
            Autograd.backward(Ops.sum(Ops.mul(y, weights)));
            return new float[][] {out, x.grad().toFloatArray()};
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void dropoutConsumingWritesOverItsInputAndDrawsTheSameMask(Device device) {
        MemoryLedger ledger = device.ledger();
        float[] values = random.uniform(40 * 30, -2, 2);
        float[][] results = new float[2][];
        for (int consuming = 0; consuming < 2; consuming++) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(device, values, 40, 30).requiresGrad(true);
                Tensor h = Ops.scale(x, 1f);
                long before = ledger.live(Category.WORKSPACE);
                RandomStream stream = new RandomStream(1234);
                Tensor y = consuming == 1 ? Ops.dropoutConsuming(h, 0.3f, stream) : Ops.dropout(h, 0.3f, stream);
                long added = ledger.live(Category.WORKSPACE) - before;
                assertEquals(consuming == 1 ? 0 : 40L * 30 * Float.BYTES, added, "new workspace bytes");
                results[consuming] = y.toFloatArray();
                Autograd.backward(Ops.sum(y));
                float[] grad = x.grad().toFloatArray();
                for (int i = 0; i < grad.length; i++) {
                    float expected = results[consuming][i] == 0 ? 0 : 1 / 0.7f;
                    assertEquals(expected, grad[i], 1e-6f, "gradient " + i + ": the kept mask, scaled by 1/(1 − p)");
                }
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void softmaxConsumingWritesOverTheScoresAndAgreesWithSoftmax(Device device) {
        MemoryLedger ledger = device.ledger();
        float[] values = random.uniform(6 * 40, -5, 5);
        float[] mask = random.uniform(2 * 40, -1, 0);
        float[][] results = new float[2][];
        for (int consuming = 0; consuming < 2; consuming++) {
            try (Scope scope = Scope.open(); SavePolicy.Installed policy = encodeAs(SaveKinds.SOFTMAX_OUTPUT,
                    new Codec.FixedUint8())) {
                Tensor x = Tensor.of(device, values, 6, 40).requiresGrad(true);
                Tensor scores = Ops.scale(x, 1f);
                Tensor additive = Tensor.of(device, mask, 2, 40);
                long before = ledger.live(Category.WORKSPACE);
                Tensor p = consuming == 1 ? Ops.softmaxConsuming(scores, 0.5f, additive, 3)
                        : Ops.softmax(scores, 0.5f, additive, 3);
                assertEquals(consuming == 1 ? 0 : 6L * 40 * Float.BYTES, ledger.live(Category.WORKSPACE) - before,
                        "new workspace bytes");
                Autograd.backward(Ops.sum(Ops.mul(p, randomTensorSeeded(device, p.shape()))));
                results[consuming] = concat(p.toFloatArray(), x.grad().toFloatArray());
            }
        }
        assertArrayEquals(results[0], results[1], "probabilities and gradients");
    }

    /**
     * Attention's layout: heads split from [B, S, H·d] are a [B, H, S, d] view whose batch needs two strides. GEMM
     * walks it in place; results and gradients must equal those of contiguous copies.
     */
    @ParameterizedTest
    @MethodSource("devices")
    void matmulOnTwoLevelBatchViewsEqualsMatmulOnCopies(Device device) {
        int batch = 3;
        int seq = 7;
        int heads = 2;
        int headDim = 5;
        float[] qValues = random.uniform(batch * seq * heads * headDim, -1, 1);
        float[] kValues = random.uniform(batch * seq * heads * headDim, -1, 1);
        float[][] viaViews = attentionScores(device, qValues, kValues, batch, seq, heads, headDim, false);
        float[][] viaCopies = attentionScores(device, qValues, kValues, batch, seq, heads, headDim, true);
        for (int i = 0; i < viaViews.length; i++) {
            assertArrayEquals(viaCopies[i], viaViews[i], 1e-5f, "result " + i + " (0: scores, 1-2: gradients)");
        }
    }

    private float[][] attentionScores(Device device, float[] qValues, float[] kValues, int batch, int seq, int heads,
                                      int headDim, boolean copies) {
        try (Scope scope = Scope.open()) {
            Tensor q = Tensor.of(device, qValues, batch, seq, heads * headDim).requiresGrad(true);
            Tensor k = Tensor.of(device, kValues, batch, seq, heads * headDim).requiresGrad(true);
            Tensor qHeads = Ops.permute(Ops.reshape(q, batch, seq, heads, headDim), 0, 2, 1, 3);
            Tensor kHeadsT = Ops.permute(Ops.reshape(k, batch, seq, heads, headDim), 0, 2, 3, 1);
            if (copies) {
                qHeads = Ops.contiguous(qHeads);
                kHeadsT = Ops.contiguous(kHeadsT);
            }
            Tensor scores = Ops.matmul(qHeads, kHeadsT);
            Tensor weights = randomTensorSeeded(device, scores.shape());
            Autograd.backward(Ops.sum(Ops.mul(scores, weights)));
            return new float[][] {scores.toFloatArray(), q.grad().toFloatArray(), k.grad().toFloatArray()};
        }
    }

    /** The same weights for both runs of a comparison (from a fixed seed, not the test's stream). */
    private static Tensor randomTensorSeeded(Device device, Shape shape) {
        return Tensor.of(device, new TestRandom(7).uniform((int) shape.numel(), -1, 1), shape.toArray());
    }

    /**
     * With encoded operands, matmul's backward decodes them a slice of examples at a time; its gradients must equal
     * those computed from the whole decoded operands. The operands span several slices of the device's
     * {@link SavedSlot#decodeChunkElements}.
     */
    @ParameterizedTest
    @MethodSource("devices")
    void matmulBackwardDecodingSlicesEqualsDecodingWhole(Device device) {
        int examples = 6;
        int heads = 4;
        int m = device.isHost() ? 128 : 512; // a GPU decodes 16× larger slices
        assertTrue((long) examples * heads * m * m > SavedSlot.decodeChunkElements(device),
                "the probabilities must need more than one slice");
        for (Codec codec : List.of(new Codec.FixedUint8(), new Codec.FixedInt4(3))) {
            float[] probabilities = random.uniform(examples * heads * m * m, 0, 1);
            float[] values = random.uniform(examples * heads * m * 16, -1, 1);
            try (Scope scope = Scope.open(); SavePolicy.Installed policy = SavePolicy.use(site ->
                    site.kind().equals(SaveKinds.SOFTMAX_OUTPUT) || site.kind().equals(SaveKinds.ATTENTION_VALUE)
                            ? codec : Codec.NONE)) {
                Tensor p = Tensor.of(device, probabilities, examples, heads, m, m).requiresGrad(true);
                Tensor v = Tensor.of(device, values, examples, heads, m, 16).requiresGrad(true);
                Tensor pw = Ops.scale(p, 1f);
                Tensor vw = Ops.scale(v, 1f);
                Tensor context = Ops.matmul(pw, vw, SaveKinds.SOFTMAX_OUTPUT, SaveKinds.ATTENTION_VALUE);
                Tensor upstream = randomTensorSeeded(device, context.shape());
                // the expected gradients from the operands as the codec stores them, decoded whole
                Tensor pStored = roundTrip(pw, codec);
                Tensor vStored = roundTrip(vw, codec);
                Tensor expectedDp;
                Tensor expectedDv;
                try (GradMode.Restore off = GradMode.disabled()) {
                    expectedDp = Ops.matmul(upstream, Ops.transpose(vStored, -1, -2));
                    expectedDv = Ops.matmul(Ops.transpose(pStored, -1, -2), upstream);
                }
                Autograd.backward(Ops.sum(Ops.mul(context, upstream)));
                assertArrayEquals(expectedDp.toFloatArray(), p.grad().toFloatArray(), 1e-4f, codec.label() + " dP");
                assertArrayEquals(expectedDv.toFloatArray(), v.grad().toFloatArray(), 1e-4f, codec.label() + " dV");
            }
        }
    }

    /** Softmax backward walks encoded probabilities a slice of rows at a time; the result must be the formula's. */
    @ParameterizedTest
    @MethodSource("devices")
    void softmaxBackwardDecodingSlicesFollowsTheFormula(Device device) {
        int cols = 128;
        int rows = (int) (SavedSlot.decodeChunkElements(device) * 5 / 2 / cols) + 52; // 2½ slices and a ragged end
        float scale = 0.125f;
        assertTrue((long) rows * cols > SavedSlot.decodeChunkElements(device), "must need more than one slice");
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = encodeAs(SaveKinds.SOFTMAX_OUTPUT,
                new Codec.FixedUint8())) {
            Tensor x = Tensor.of(device, random.uniform(rows * cols, -4, 4), rows, cols).requiresGrad(true);
            Tensor y = Ops.softmax(Ops.scale(x, 1f), scale, null, 1);
            float[] stored = roundTrip(y, new Codec.FixedUint8()).toFloatArray();
            Tensor upstream = randomTensorSeeded(device, y.shape());
            float[] dy = upstream.toFloatArray();
            Autograd.backward(Ops.sum(Ops.mul(y, upstream)));
            float[] dx = x.grad().toFloatArray();
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int c = 0; c < cols; c++) {
                    dot += (double) dy[r * cols + c] * stored[r * cols + c];
                }
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    double expected = scale * stored[i] * (dy[i] - dot);
                    assertEquals(expected, dx[i], 1e-6, "row " + r + " column " + c);
                }
            }
        }
    }

    private static Tensor roundTrip(Tensor x, Codec codec) {
        try (SavedSlot slot = SavedSlot.saveWith(x, new SaveSite("test", "", false), codec)) {
            return slot.get();
        }
    }

    /**
     * Strided views encode a slice at a time; every codec must store exactly what encoding a contiguous copy
     * stores, and decoding any aligned range must give that range of the whole.
     */
    @ParameterizedTest
    @MethodSource("devices")
    void encodingAViewEqualsEncodingItsCopyAndRangesDecodeAsTheWhole(Device device) {
        for (Codec codec : CODECS) {
            try (Scope scope = Scope.open()) {
                Tensor base = randomTensor(device, -3, 3, 5, 6, 4, 8);
                Tensor view = Ops.permute(base, 0, 2, 1, 3); // [5, 4, 6, 8], not contiguous
                assertFalse(view.isContiguous());
                Tensor copy = Ops.contiguous(view);
                SavedSlot fromView = SavedSlot.saveWith(view, new SaveSite("view", "", false), codec);
                SavedSlot fromCopy = SavedSlot.saveWith(copy, new SaveSite("copy", "", false), codec);
                float[] whole = fromCopy.get().toFloatArray();
                assertArrayEquals(whole, fromView.get().toFloatArray(), codec.label() + ": view vs copy");
                long granule = fromView.decodeGranule();
                long n = whole.length;
                long first = 3 * granule;
                long count = 5 * granule;
                Tensor buffer = Tensor.workspace(device, DType.F32, Shape.of((int) count), "test");
                fromView.decodeRangeInto(first, count, buffer);
                float[] expected = java.util.Arrays.copyOfRange(whole, (int) first, (int) (first + count));
                assertArrayEquals(expected, buffer.toFloatArray(), codec.label() + ": range");
                long tail = n - (n / granule - 1) * granule;
                Tensor tailBuffer = Tensor.workspace(device, DType.F32, Shape.of((int) tail), "test");
                fromView.decodeRangeInto(n - tail, tail, tailBuffer);
                assertArrayEquals(java.util.Arrays.copyOfRange(whole, (int) (n - tail), (int) n),
                        tailBuffer.toFloatArray(), codec.label() + ": last range");
                fromView.close();
                fromCopy.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aWeightUsedOnSeveralSlicesAddsEachGradientIntoOneBuffer(Device device) {
        // a weight far larger than the activations, so that one extra weight-sized buffer shows in the peak
        int rows = 6;
        int in = 32;
        int out = 48;
        float[] input = random.uniform(rows * in, -1, 1);
        float[] weight = random.uniform(out * in, -1, 1);
        float[] upstream = random.uniform(rows * out, -1, 1);
        float[][] gradients = new float[2][];
        long[] backwardPeaks = new long[2];
        MemoryLedger ledger = device.ledger();
        for (int slices = 1; slices <= 3; slices += 2) {
            try (Scope scope = Scope.open()) {
                Tensor w = Tensor.of(device, weight, out, in).requiresGrad(true);
                Tensor x = Tensor.of(device, input, rows, in);
                Tensor g = Tensor.of(device, upstream, rows, out);
                Tensor[] parts = new Tensor[slices];
                for (int s = 0; s < slices; s++) {
                    parts[s] = Ops.linear(Ops.narrow(x, 0, s * rows / slices, rows / slices), w, null);
                }
                Tensor loss = Ops.sum(Ops.mul(slices == 1 ? parts[0] : Ops.concat(0, parts), g));
                ledger.resetPeaks();
                long start = ledger.liveTotal();
                Autograd.backward(loss);
                backwardPeaks[slices / 2] = ledger.peakTotal() - start;
                gradients[slices / 2] = w.grad().toFloatArray();
                w.releaseGrad();
            }
        }
        assertArrayEquals(gradients[0], gradients[1], 1e-5f, "three slices sum to the whole batch's gradient");
        long weightBytes = (long) out * in * Float.BYTES;
        long upstreamBytes = (long) rows * out * Float.BYTES;
        assertTrue(backwardPeaks[1] < 3 * weightBytes / 2 + upstreamBytes,
                "slices after the first add into the gradient instead of a buffer of their own: backward peak "
                        + backwardPeaks[1] + " bytes (one slice: " + backwardPeaks[0] + "), weight " + weightBytes);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void matmulGradientsTakeTheirOperandsLayoutSoHeadsMergeBackWithoutACopy(Device device) {
        // V [B, H, S, d] and Kᵀ [B, H, d, S] as attention splits them from [B, S, H·d]
        assertGradientKeepsTheSplitLayout(device, new int[] {0, 2, 1, 3}, "V");
        assertGradientKeepsTheSplitLayout(device, new int[] {0, 2, 3, 1}, "Kᵀ");
    }

    private void assertGradientKeepsTheSplitLayout(Device device, int[] split, String what) {
        int batch = 3;
        int heads = 4;
        int seq = 8;
        int headDim = 6;
        float[] projected = random.uniform(batch * seq * heads * headDim, -1, 1);
        int[] splitDims = new int[4];
        int[] unsplit = {batch, seq, heads, headDim};
        for (int i = 0; i < 4; i++) {
            splitDims[i] = unsplit[split[i]];
        }
        float[] left = random.uniform(batch * heads * seq * splitDims[2], -1, 1);
        float[] upstream = random.uniform(batch * heads * seq * splitDims[3], -1, 1);
        float[] splitValues;
        try (Scope scope = Scope.open()) {
            splitValues = Ops.contiguous(Ops.permute(Tensor.of(device, projected, unsplit), split)).toFloatArray();
        }
        MemoryLedger ledger = device.ledger();
        float[][] gradients = new float[2][];
        long[] backwardAllocations = new long[2];
        for (int asView = 0; asView < 2; asView++) {
            try (Scope scope = Scope.open()) {
                Tensor a = Tensor.of(device, left, batch, heads, seq, splitDims[2]).requiresGrad(true);
                Tensor g = Tensor.of(device, upstream, batch, heads, seq, splitDims[3]);
                // the view split from [B, S, H·d], or the same numbers already in the split order
                Tensor leaf = asView == 1
                        ? Tensor.of(device, projected, batch, seq, heads * headDim).requiresGrad(true)
                        : Tensor.of(device, splitValues, splitDims).requiresGrad(true);
                Tensor b = asView == 1 ? Ops.permute(Ops.reshape(leaf, unsplit), split) : leaf;
                Tensor loss = Ops.sum(Ops.mul(Ops.matmul(a, b), g));
                long start = ledger.allocations();
                Autograd.backward(loss);
                backwardAllocations[asView] = ledger.allocations() - start;
                Tensor grad = asView == 1 ? Ops.permute(Ops.reshape(leaf.grad(), unsplit), split) : leaf.grad();
                gradients[asView] = Ops.contiguous(grad).toFloatArray();
                leaf.releaseGrad();
                a.releaseGrad();
            }
        }
        assertArrayEquals(gradients[0], gradients[1], "d" + what + " is the same in either layout");
        assertEquals(backwardAllocations[0], backwardAllocations[1], "d" + what + " written in [B, S, H, d] order: "
                + "merging the heads back into [B, S, H·d] allocates no copy");
    }

    @ParameterizedTest
    @MethodSource("devices")
    void contextWrittenOverAnEncodedValueAgreesWithMatmulAndTakesNoNewBuffer(Device device) {
        int batch = 3;
        int heads = 4;
        int seq = 8;
        int headDim = 6;
        float[] probabilities = random.uniform(batch * heads * seq * seq, 0, 1);
        float[] projected = random.uniform(batch * seq * heads * headDim, -1, 1);
        float[] upstream = random.uniform(batch * heads * seq * headDim, -1, 1);
        MemoryLedger ledger = device.ledger();
        for (Codec codec : List.of(new Codec.FixedInt8(4), Codec.NONE)) {
            float[][] results = new float[2][];
            long[] newBytes = new long[2];
            for (int consuming = 0; consuming < 2; consuming++) {
                try (Scope scope = Scope.open();
                     SavePolicy.Installed policy = encodeAs(SaveKinds.ATTENTION_VALUE, codec)) {
                    Tensor p = Tensor.of(device, probabilities, batch, heads, seq, seq).requiresGrad(true);
                    Tensor x = Tensor.of(device, projected, batch, seq, heads * headDim).requiresGrad(true);
                    // V as attention makes it: a fresh buffer split into heads, the permuted view its only handle
                    Tensor v;
                    try (Tensor h = Ops.scale(x, 1f); Tensor split = Ops.reshape(h, batch, seq, heads, headDim)) {
                        v = Ops.permute(split, 0, 2, 1, 3);
                    }
                    ledger.resetPeaks();
                    long before = ledger.liveTotal();
                    Tensor context = consuming == 1
                            ? Ops.matmulConsumingRight(p, v, SaveKinds.SOFTMAX_OUTPUT, SaveKinds.ATTENTION_VALUE)
                            : Ops.matmul(p, v, SaveKinds.SOFTMAX_OUTPUT, SaveKinds.ATTENTION_VALUE);
                    newBytes[consuming] = ledger.peakTotal() - before;
                    float[] out = Ops.contiguous(context).toFloatArray();
                    Autograd.backward(Ops.sum(Ops.mul(context, Tensor.of(device, upstream, context.dims()))));
                    float[] dx = x.grad().toFloatArray();
                    float[] dp = p.grad().toFloatArray();
                    results[consuming] = concat(out, dx, dp);
                    x.releaseGrad();
                    p.releaseGrad();
                }
            }
            assertArrayEquals(results[0], results[1], codec.label() + ": context and both gradients");
            long contextBytes = (long) batch * heads * seq * headDim * Float.BYTES;
            if (codec == Codec.NONE) {
                assertEquals(newBytes[0], newBytes[1], "exact save: V is kept for backward, the context is new");
            } else {
                // overwriting needs one example's buffer at a time instead of the whole context
                assertEquals(newBytes[0] - contextBytes + contextBytes / batch, newBytes[1],
                        codec.label() + ": the context takes V's buffer (peak bytes during the product)");
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int length = 0;
        for (float[] part : parts) {
            length += part.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource("devices")
    void valueGradientTakesTheContextGradientsBufferWhenBothOperandsAreEncoded(Device device) {
        // one example's probabilities (heads·seq·seq) fill a decode slice, so the backward goes example by example
        // (on the host 4·256·256, on a GPU 4·1024·1024)
        int batch = 3;
        int heads = 4;
        int seq = (int) Math.sqrt((double) SavedSlot.decodeChunkElements(device) / heads);
        int headDim = 8;
        float[] logits = random.uniform(batch * heads * seq * seq, -3, 3);
        float[] values = random.uniform(batch * heads * seq * headDim, -1, 1);
        float[] upstream = random.uniform(batch * heads * seq * headDim, -1, 1);
        MemoryLedger ledger = device.ledger();
        long valueBytes = (long) batch * heads * seq * headDim * Float.BYTES;
        for (boolean encoded : new boolean[] {true, false}) {
            try (Scope scope = Scope.open();
                 SavePolicy.Installed policy = SavePolicy.use(site -> !encoded ? Codec.NONE
                         : site.kind().equals(SaveKinds.SOFTMAX_OUTPUT) ? new Codec.FixedUint8()
                         : site.kind().equals(SaveKinds.ATTENTION_VALUE) ? new Codec.FixedInt8(4) : Codec.NONE)) {
                // P from a softmax, as in attention: the softmax holds P's encoding too, so the product's backward
                // computes dP first (releasing V) and dC is free to be overwritten when dV comes
                Tensor scores = Tensor.of(device, logits, batch, heads, seq, seq).requiresGrad(true);
                Tensor p = Ops.softmax(scores);
                float[] probabilities = p.toFloatArray();
                Tensor v = Tensor.of(device, values, batch, heads, seq, headDim).requiresGrad(true);
                Tensor context = Ops.matmul(p, v, SaveKinds.SOFTMAX_OUTPUT, SaveKinds.ATTENTION_VALUE);
                Tensor loss = Ops.sum(Ops.mul(context, Tensor.of(device, upstream, context.dims())));
                ledger.resetPeaks();
                Autograd.backward(loss);
                long gradBPeak = workspacePeakOf(ledger, "matmul.gradB");
                // the reference: dV = Pᵀ·dC from the probabilities as saved (decoded), in double
                float[] savedP = encoded ? roundTrip(device, new Codec.FixedUint8(), probabilities, p.dims())
                        : probabilities;
                float[] expected = new float[values.length];
                for (int m = 0; m < batch * heads; m++) {
                    for (int j = 0; j < seq; j++) {
                        for (int d = 0; d < headDim; d++) {
                            double sum = 0;
                            for (int i = 0; i < seq; i++) {
                                sum += (double) savedP[(m * seq + i) * seq + j] * upstream[(m * seq + i) * headDim + d];
                            }
                            expected[(m * seq + j) * headDim + d] = (float) sum;
                        }
                    }
                }
                float[] actual = v.grad().toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-4, "dV[" + i + "], encoded " + encoded);
                }
                if (encoded) {
                    assertTrue(gradBPeak <= valueBytes / batch, "dV is written over dC one example at a time: "
                            + gradBPeak + " bytes under matmul.gradB, dV is " + valueBytes);
                } else {
                    assertEquals(valueBytes, gradBPeak, "exact saves: dV is a buffer of its own");
                }
                scores.releaseGrad();
                v.releaseGrad();
            }
        }
    }

    private static float[] roundTrip(Device device, Codec codec, float[] values, int[] dims) {
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = SavePolicy.use(site -> codec)) {
            Tensor x = Tensor.of(device, values, dims);
            SavedSlot slot = SavedSlot.save(x, new SaveSite(SaveKinds.SOFTMAX_OUTPUT, "test", false));
            try (slot; Tensor decoded = slot.get()) {
                return decoded.toFloatArray();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void linearsAddTheirInputGradientIntoWhatTheInputCollectedBefore(Device device) {
        int rows = 10;
        int in = 12;
        int out = 7;
        float[] input = random.uniform(rows * in, -1, 1);
        float[] w1 = random.uniform(out * in, -1, 1);
        float[] w2 = random.uniform(out * in, -1, 1);
        float[] gate = random.uniform(rows * out, -1, 1);
        float[] upstream = random.uniform(rows * in, -1, 1);
        float[] back = random.uniform(out * in, -1, 1);
        // dX = U + ((U·Mᵀ) ⊙ H)·(W1 + W2), in double
        double[] expected = new double[rows * in];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double dBranch = 0;
                for (int c = 0; c < in; c++) {
                    dBranch += (double) upstream[r * in + c] * back[o * in + c];
                }
                double dSum = dBranch * gate[r * out + o];
                for (int c = 0; c < in; c++) {
                    expected[r * in + c] += dSum * ((double) w1[o * in + c] + w2[o * in + c]);
                }
            }
            for (int c = 0; c < in; c++) {
                expected[r * in + c] += upstream[r * in + c];
            }
        }
        MemoryLedger ledger = device.ledger();
        try (Scope scope = Scope.open()) {
            Tensor leaf = Tensor.of(device, input, rows, in).requiresGrad(true);
            // like a layer input: it feeds two projections and a residual, whose gradient arrives first
            Tensor x = Ops.scale(leaf, 1f);
            Tensor branch = Ops.mul(Ops.add(Ops.linear(x, Tensor.of(device, w1, out, in), null),
                    Ops.linear(x, Tensor.of(device, w2, out, in), null)), Tensor.of(device, gate, rows, out));
            Tensor y = Ops.add(x, Ops.matmul(branch, Tensor.of(device, back, out, in)));
            Tensor loss = Ops.sum(Ops.mul(y, Tensor.of(device, upstream, rows, in)));
            ledger.resetPeaks();
            Autograd.backward(loss);
            long separateInputGradients = workspacePeakOf(ledger, "linear.gradInput");
            assertEquals(0, separateInputGradients, "both projections add into the residual's gradient");
            float[] actual = leaf.grad().toFloatArray();
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), "dX[" + i + "]");
            }
            leaf.releaseGrad();
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void slicesAddTheirGradientIntoTheRowsTheInputCollectedBefore(Device device) {
        int rows = 9;
        int cols = 5;
        float[] input = random.uniform(rows * cols, -1, 1);
        float[] upstream = random.uniform(rows * cols, -1, 1);
        float[] factors = {0.5f, -2f, 3f};
        float[] gate = random.uniform(rows * cols, -1, 1);
        MemoryLedger ledger = device.ledger();
        try (Scope scope = Scope.open()) {
            Tensor leaf = Tensor.of(device, input, rows, cols).requiresGrad(true);
            // like the feed-forward block: slices of the residual stream, concatenated, added back to it
            Tensor x = Ops.scale(leaf, 1f);
            Tensor[] parts = new Tensor[3];
            for (int s = 0; s < 3; s++) {
                parts[s] = Ops.scale(Ops.narrow(x, 0, 3 * s, 3), factors[s]);
            }
            // (the dropout after the block gives its gradient a buffer of its own, as mul does here)
            Tensor y = Ops.add(x, Ops.mul(Ops.concat(0, parts), Tensor.of(device, gate, rows, cols)));
            Tensor loss = Ops.sum(Ops.mul(y, Tensor.of(device, upstream, rows, cols)));
            ledger.resetPeaks();
            Autograd.backward(loss);
            long zeros = workspacePeakOf(ledger, "zeros");
            assertEquals(0, zeros, "no slice's gradient is widened to the full input with zeros");
            float[] actual = leaf.grad().toFloatArray();
            for (int i = 0; i < actual.length; i++) {
                float expected = upstream[i] * (1 + gate[i] * factors[i / (3 * cols)]);
                assertEquals(expected, actual[i], 1e-6, "dX[" + i + "]");
            }
            leaf.releaseGrad();
        }
    }

    /** The peak bytes that WORKSPACE buffers of {@code owner} held since the last {@code resetPeaks}, 0 if none. */
    private static long workspacePeakOf(MemoryLedger ledger, String owner) {
        return ledger.snapshot().owners(Category.WORKSPACE).stream().filter(o -> o.owner().equals(owner))
                .mapToLong(LedgerSnapshot.OwnerUsage::peak).max().orElse(0);
    }
}
