package dev.slimfit.engine;

import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavePolicy;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What autograd keeps, in which ledger category, and when it lets go; on every device. */
class AutogradMemoryTest {

    private final TestRandom random = new TestRandom();

    static java.util.stream.Stream<Device> devices() {
        return EngineDevices.all();
    }

    private Tensor param(Device device, String name, boolean trains, int... dims) {
        Shape shape = Shape.of(dims);
        return Tensor.fromFloats(device, random.uniform((int) shape.numel(), -0.5f, 0.5f), shape, Category.PARAMETER,
                name).name(name).requiresGrad(trains);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aLinearKeepsItsInputOnlyWhileItsWeightTrains(Device device) {
        MemoryLedger ledger = device.ledger();
        long inputBytes = 8L * 16 * Float.BYTES;
        for (boolean weightTrains : new boolean[] {true, false}) {
            try (Tensor w = param(device, "w", weightTrains, 4, 16); Tensor b = param(device, "b", true, 4);
                 Scope scope = Scope.open()) {
                Tensor x = Tensor.of(device, random.uniform(8 * 16, -1, 1), 8, 16).requiresGrad(true);
                long before = ledger.live(Category.ACTIVATION);
                Tensor y = Ops.linear(x, w, b);
                assertEquals(weightTrains ? inputBytes : 0, ledger.live(Category.ACTIVATION) - before,
                        "saved input bytes with weight trains=" + weightTrains);
                Autograd.backward(Ops.sum(y));
                assertEquals(before, ledger.live(Category.ACTIVATION), "backward releases what it saved");
                assertEquals(weightTrains, w.grad() != null, "a frozen weight has no gradient buffer");
                assertNotNull(b.grad());
                assertNotNull(x.grad());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void compressedSavesAreCountedAtTheirEncodedSize(Device device) {
        MemoryLedger ledger = device.ledger();
        int rows = 6;
        int cols = 50;
        Shape shape = Shape.of(rows, cols);
        List<Codec> codecs = List.of(new Codec.FixedInt8(4), new Codec.FixedInt4(1), new Codec.FixedUint8(),
                new Codec.TopK(0.1), Codec.NONE);
        for (Codec codec : codecs) {
            try (Scope scope = Scope.open(); SavePolicy.Installed policy = SavePolicy.use(
                    site -> site.kind().equals(SaveKinds.GELU_INPUT) ? codec : Codec.NONE)) {
                Tensor x = Tensor.of(device, random.uniform(rows * cols, -2, 2), rows, cols).requiresGrad(true);
                Tensor h = Ops.scale(x, 1f); // a non-leaf, so the saved buffer is a workspace buffer
                long before = ledger.live(Category.ACTIVATION);
                Tensor y = Ops.gelu(h);
                assertEquals(codec.storedBytes(shape), ledger.live(Category.ACTIVATION) - before, codec.label());
                // the same view saved again with the same codec is stored once
                Tensor y2 = Ops.gelu(h);
                assertEquals(codec.storedBytes(shape), ledger.live(Category.ACTIVATION) - before,
                        codec.label() + " saved twice");
                Autograd.backward(Ops.add(Ops.sum(y), Ops.sum(y2)));
                assertEquals(before, ledger.live(Category.ACTIVATION));
                assertNotNull(x.grad());
            }
        }
        // analytic sizes: int4 packs two per byte (an odd count rounds up), top-k keeps ⌈0.1·50⌉ = 5 per row as
        // a float value plus an int32 index
        assertEquals(301, new Codec.FixedInt4(1).storedBytes(Shape.of(1, 601)));
        assertEquals(6 * 5 * (4 + 4), new Codec.TopK(0.1).storedBytes(shape));
    }

    @ParameterizedTest
    @MethodSource("devices")
    void compressedGradientsStayCloseToExactOnes(Device device) {
        float[] values = random.uniform(4 * 64, -3, 3);
        float[] exact = geluGradient(device, values, Codec.NONE);
        float[] int8 = geluGradient(device, values, new Codec.FixedInt8(4));
        // int8 with 4 fraction bits moves x by at most 1/32 (inside its range [-8, 7.9375]); gelu''(x) =
        // φ(x)·(2 − x²) has |gelu''| <= 2φ(0) = 0.798, so each gradient moves by at most 0.798/32 = 0.0249
        double bound = 2 / Math.sqrt(2 * Math.PI) / 32;
        double worst = 0;
        for (int i = 0; i < values.length; i++) {
            assertEquals(exact[i], int8[i], bound + 1e-6, "element " + i + " x=" + values[i]);
            worst = Math.max(worst, Math.abs(exact[i] - int8[i]));
        }
        assertTrue(worst > 0, "int8 storage should perturb some gradients (is the codec applied at all?)");
    }

    private float[] geluGradient(Device device, float[] values, Codec codec) {
        try (Scope scope = Scope.open(); SavePolicy.Installed policy = SavePolicy.use(site -> codec)) {
            Tensor x = Tensor.of(device, values, 4, 64).requiresGrad(true);
            Autograd.backward(Ops.sum(Ops.gelu(Ops.scale(x, 1f))));
            return x.grad().toFloatArray();
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void noGradSavesNothingAndBackwardTwiceIsAnError(Device device) {
        MemoryLedger ledger = device.ledger();
        try (Tensor w = param(device, "w", true, 3, 5); Scope scope = Scope.open()) {
            Tensor x = Tensor.of(device, random.uniform(10, -1, 1), 2, 5);
            long before = ledger.live(Category.ACTIVATION);
            try (GradMode.Restore off = GradMode.disabled()) {
                Tensor y = Ops.gelu(Ops.linear(x, w, null));
                assertTrue(y.isLeaf() && !y.requiresGrad());
                assertEquals(before, ledger.live(Category.ACTIVATION));
            }
            Tensor loss = Ops.sum(Ops.gelu(Ops.linear(x, w, null)));
            Autograd.backward(loss);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
            assertTrue(twice.getMessage().contains("second time"), twice.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void gradientsAccumulateAcrossBackwardCalls(Device device) {
        try (Tensor w = param(device, "w", true, 3, 4); Scope scope = Scope.open()) {
            float[] xs = random.uniform(8, -1, 1);
            Autograd.backward(Ops.sum(Ops.linear(Tensor.of(device, xs, 2, 4), w, null)));
            float[] once = w.grad().toFloatArray();
            Autograd.backward(Ops.sum(Ops.linear(Tensor.of(device, xs, 2, 4), w, null)));
            float[] twice = w.grad().toFloatArray();
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], 1e-6f * Math.max(1, Math.abs(twice[i])));
            }
        }
    }

    private static final int TRAINING_STEPS = 60;

    /** A small two-layer model trained with the fused AdamW kernel: memory is flat across steps and freed at the end. */
    @ParameterizedTest
    @MethodSource("devices")
    void trainingStepsLeaveTheLedgerWhereItWas(Device device) {
        MemoryLedger ledger = device.ledger();
        long start = ledger.liveTotal();
        long parametersAtStart = ledger.live(Category.PARAMETER);
        Tensor w1 = param(device, "l1.weight", true, 16, 8);
        Tensor b1 = param(device, "l1.bias", true, 16);
        Tensor g1 = param(device, "ln.weight", false, 16); // frozen
        Tensor w2 = param(device, "l2.weight", true, 3, 16);
        List<Tensor> params = List.of(w1, b1, g1, w2);
        List<Tensor> trainable = params.stream().filter(Tensor::requiresGrad).toList();
        List<Tensor> moments = trainable.stream().flatMap(p -> java.util.stream.Stream.of(
                Tensor.zeros(device, DType.F32, p.shape(), Category.OPTIMIZER_STATE, p.name() + ".m"),
                Tensor.zeros(device, DType.F32, p.shape(), Category.OPTIMIZER_STATE, p.name() + ".v"))).toList();
        long paramBytes = params.stream().mapToLong(Tensor::byteSize).sum();
        long trainableBytes = trainable.stream().mapToLong(Tensor::byteSize).sum();
        long afterSetup = ledger.liveTotal();
        float firstLoss = Float.NaN;
        float lastLoss = Float.NaN;
        int[] labels = random.ints(12, 3);
        float[] inputs = random.uniform(12 * 8, -1, 1);
        for (int step = 1; step <= TRAINING_STEPS; step++) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(device, inputs, 12, 8);
                Tensor h = Ops.layerNorm(Ops.gelu(Ops.linear(x, w1, b1)), g1, null, 1e-5f);
                Tensor loss = Ops.crossEntropy(Ops.linear(h, w2, null), Tensor.ofInts(device, labels, 12), -100);
                if (step == 1) {
                    firstLoss = loss.item();
                }
                lastLoss = loss.item();
                Autograd.backward(loss);
            }
            assertEquals(trainableBytes, ledger.live(Category.GRADIENT), "only trainable tensors have gradients");
            assertNull(g1.grad());
            assertEquals(0, ledger.live(Category.ACTIVATION));
            assertEquals(0, ledger.live(Category.WORKSPACE));
            for (int i = 0; i < trainable.size(); i++) {
                Tensor p = trainable.get(i);
                device.kernels().optimizers().adamw(p.numel(), p.segment(), p.grad().segment(),
                        moments.get(2 * i).segment(), moments.get(2 * i + 1).segment(),
                        new AdamWParams(0.02f, 0.9f, 0.999f, 1e-8f, 0.01f, step), ChangeMetric.NONE);
                p.releaseGrad();
            }
            assertEquals(afterSetup, ledger.liveTotal(), "step " + step + " leaked");
        }
        // 12 examples and 3 random labels: 60 AdamW steps memorise them; a broken gradient cannot get near this
        assertTrue(lastLoss < firstLoss * 0.5f, "training did not learn: loss " + firstLoss + " -> " + lastLoss + "; "
                + random.describe());
        assertEquals(paramBytes, ledger.live(Category.PARAMETER) - parametersAtStart);
        assertEquals(2 * trainableBytes, ledger.live(Category.OPTIMIZER_STATE));
        params.forEach(Tensor::close);
        moments.forEach(Tensor::close);
        assertEquals(start, ledger.liveTotal(), "closing the model and optimizer returns every byte");
    }
}
