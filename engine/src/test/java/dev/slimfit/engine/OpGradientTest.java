package dev.slimfit.engine;

import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A finite-difference gradient check for every differentiable op, on the reference kernels, with odd sizes. Also
 * asserts that every check leaves the ledger where it started.
 */
class OpGradientTest {

    private final Device device = Devices.reference();
    private final TestRandom random = new TestRandom();
    private final List<Tensor> leaves = new ArrayList<>();
    private long ledgerAtStart;

    @BeforeEach
    void recordLedger() {
        ledgerAtStart = device.ledger().liveTotal();
    }

    @AfterEach
    void closeLeavesAndCheckLedger() {
        leaves.forEach(Tensor::close);
        assertEquals(ledgerAtStart, device.ledger().liveTotal(), "ledger did not return to its starting bytes");
    }

    private Tensor leaf(boolean trains, int... dims) {
        Tensor t = GradCheck.leaf(device, random, trains, -1f, 1f, dims);
        leaves.add(t);
        return t;
    }

    private Tensor ints(int[] values, int... dims) {
        Tensor ids = Tensor.empty(device, DType.I32, Shape.of(dims), Category.PARAMETER, "test.ids");
        ids.copyFromHost(java.lang.foreign.MemorySegment.ofArray(values), (long) values.length * Integer.BYTES);
        leaves.add(ids);
        return ids;
    }

    @Test
    void addSameShapeRowBroadcastAndGeneralBroadcast() {
        GradCheck.check("add same shape", random, in -> Ops.add(in[0], in[1]), leaf(true, 3, 5), leaf(true, 3, 5));
        GradCheck.check("add bias", random, in -> Ops.add(in[0], in[1]), leaf(true, 2, 3, 7), leaf(true, 7));
        GradCheck.check("add bias first", random, in -> Ops.add(in[0], in[1]), leaf(true, 1, 7), leaf(true, 4, 7));
        GradCheck.check("add general broadcast", random, in -> Ops.add(in[0], in[1]), leaf(true, 2, 1, 5),
                leaf(true, 3, 1));
        GradCheck.check("add frozen operand", random, in -> Ops.add(in[0], in[1]), leaf(true, 3, 4),
                leaf(false, 3, 4));
    }

    @Test
    void mulAndScale() {
        GradCheck.check("mul", random, in -> Ops.mul(in[0], in[1]), leaf(true, 3, 5), leaf(true, 3, 5));
        GradCheck.check("mul broadcast", random, in -> Ops.mul(in[0], in[1]), leaf(true, 2, 3, 5), leaf(true, 3, 1));
        GradCheck.check("scale", random, in -> Ops.scale(in[0], -1.7f), leaf(true, 4, 3));
    }

    @Test
    void matmulPlainBatchedTransposedAndShared() {
        GradCheck.check("matmul 2d", random, in -> Ops.matmul(in[0], in[1]), leaf(true, 3, 5), leaf(true, 5, 4));
        GradCheck.check("matmul batched", random, in -> Ops.matmul(in[0], in[1]), leaf(true, 2, 3, 5),
                leaf(true, 2, 5, 4));
        GradCheck.check("matmul transposed views", random,
                in -> Ops.matmul(Ops.transpose(in[0], 0, 1), Ops.transpose(in[1], 0, 1)), leaf(true, 5, 3),
                leaf(true, 4, 5));
        GradCheck.check("matmul shared right operand", random, in -> Ops.matmul(in[0], in[1]), leaf(true, 2, 3, 5),
                leaf(true, 5, 4));
        GradCheck.check("matmul 4-d attention layout", random,
                in -> Ops.matmul(Ops.permute(in[0], 0, 2, 1, 3), Ops.permute(in[1], 0, 2, 3, 1)),
                leaf(true, 2, 3, 2, 4), leaf(true, 2, 3, 2, 4));
        GradCheck.check("matmul frozen right", random, in -> Ops.matmul(in[0], in[1]), leaf(true, 3, 5),
                leaf(false, 5, 2));
    }

    @Test
    void linearWithAndWithoutBiasAndFrozenWeight() {
        GradCheck.check("linear", random, in -> Ops.linear(in[0], in[1], in[2]), leaf(true, 2, 3, 5),
                leaf(true, 4, 5), leaf(true, 4));
        GradCheck.check("linear no bias", random, in -> Ops.linear(in[0], in[1], null), leaf(true, 3, 5),
                leaf(true, 1, 5));
        GradCheck.check("linear frozen weight", random, in -> Ops.linear(in[0], in[1], in[2]), leaf(true, 3, 5),
                leaf(false, 4, 5), leaf(true, 4));
        GradCheck.check("linear transposed weight view", random,
                in -> Ops.linear(in[0], Ops.transpose(in[1], 0, 1), null), leaf(true, 3, 5), leaf(true, 5, 4));
    }

    @Test
    void activations() {
        Tensor x = GradCheck.leaf(device, random, true, -3f, 3f, 5, 7);
        leaves.add(x);
        GradCheck.check("gelu", random, in -> Ops.gelu(in[0]), x);
        GradCheck.check("tanh", random, in -> Ops.tanh(in[0]), x);
    }

    @Test
    void softmaxWithScaleAndMask() {
        GradCheck.check("softmax", random, in -> Ops.softmax(in[0]), leaf(true, 4, 7));
        Tensor mask = Tensor.fromFloats(device, new float[] {0, 0, -10000, 0, 0, 0, -10000, -10000}, Shape.of(2, 4),
                Category.PARAMETER, "test.mask");
        leaves.add(mask);
        // scores [batch 2, heads 3, queries 2, keys 4]: mask row = row / (3·2)
        GradCheck.check("softmax masked", random, in -> Ops.softmax(in[0], 0.5f, mask, 6), leaf(true, 2, 3, 2, 4));
    }

    @Test
    void layerNorm() {
        Tensor x = GradCheck.leaf(device, random, true, -2f, 2f, 3, 9);
        leaves.add(x);
        GradCheck.check("layernorm", random, in -> Ops.layerNorm(in[0], in[1], in[2], 1e-5f), x,
                leaf(true, 9), leaf(true, 9));
        GradCheck.check("layernorm no beta", random, in -> Ops.layerNorm(in[0], in[1], null, 1e-5f), x,
                leaf(true, 9));
        GradCheck.check("layernorm frozen gamma", random, in -> Ops.layerNorm(in[0], in[1], in[2], 1e-5f), x,
                leaf(false, 9), leaf(true, 9));
        GradCheck.check("layernorm only beta", random, in -> Ops.layerNorm(in[0], in[1], in[2], 1e-5f),
                leaf(false, 3, 9), leaf(false, 9), leaf(true, 9));
    }

    @Test
    void embeddingWithRepeatedIds() {
        Tensor ids = ints(new int[] {3, 0, 3, 5, 1, 3}, 2, 3);
        GradCheck.check("embedding", random, in -> Ops.embedding(ids, in[0]), leaf(true, 6, 4));
    }

    @Test
    void dropoutRegeneratesItsMask() {
        long seed = random.nextLong();
        // a fresh stream per call gives the same counters, so f is a fixed function of x
        GradCheck.check("dropout", random, in -> Ops.dropout(in[0], 0.3f, new RandomStream(seed)), leaf(true, 5, 9));
    }

    @Test
    void losses() {
        Tensor targets = ints(new int[] {2, -100, 0, 4, 1}, 5);
        GradCheck.check("cross-entropy", random, in -> Ops.crossEntropy(in[0], targets, -100), leaf(true, 5, 5));
        Tensor target = leaf(false, 3, 4);
        GradCheck.check("mse", random, in -> Ops.mse(in[0], target), leaf(true, 3, 4));
    }

    @Test
    void reductions() {
        GradCheck.check("sum", random, in -> Ops.sum(in[0]), leaf(true, 3, 4));
        GradCheck.check("mean", random, in -> Ops.mean(in[0]), leaf(true, 2, 3, 4));
    }

    @Test
    void layoutOps() {
        GradCheck.check("reshape", random, in -> Ops.mul(Ops.reshape(in[0], 4, -1), in[1]), leaf(true, 2, 6),
                leaf(true, 4, 3));
        GradCheck.check("permute", random, in -> Ops.mul(Ops.permute(in[0], 2, 0, 1), in[1]), leaf(true, 2, 3, 4),
                leaf(true, 4, 2, 3));
        GradCheck.check("narrow", random, in -> Ops.mul(Ops.narrow(in[0], 1, 1, 3), in[1]), leaf(true, 2, 5),
                leaf(true, 2, 3));
        GradCheck.check("expand", random, in -> Ops.mul(Ops.expand(in[0], 3, 2, 4), in[1]), leaf(true, 2, 1),
                leaf(true, 3, 2, 4));
        GradCheck.check("contiguous of a transpose", random,
                in -> Ops.mul(Ops.contiguous(Ops.transpose(in[0], 0, 1)), in[1]), leaf(true, 3, 2),
                leaf(true, 2, 3));
        GradCheck.check("identity", random, in -> Ops.mul(Ops.identity(in[0]), in[0]), leaf(true, 2, 3));
        GradCheck.check("concat", random, in -> Ops.mul(Ops.concat(1, in[0], in[1]), in[2]), leaf(true, 2, 1, 3),
                leaf(true, 2, 2, 3), leaf(true, 2, 3, 3));
    }

    @Test
    void composedTransformerBlockPieces() {
        // x → LayerNorm → Linear → GELU → Linear + residual: gradients flow through a realistic chain
        GradCheck.check("block", random, in -> {
            Tensor h = Ops.layerNorm(in[0], in[1], in[2], 1e-5f);
            Tensor up = Ops.gelu(Ops.linear(h, in[3], in[4]));
            return Ops.add(Ops.linear(up, in[5], null), in[0]);
        }, leaf(true, 2, 3, 4), leaf(true, 4), leaf(true, 4), leaf(true, 6, 4), leaf(true, 6), leaf(true, 4, 6));
    }
}
