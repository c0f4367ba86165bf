package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavePolicy;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feed-forward block over slices of the batch gives the whole batch's result, and holds less while it runs. */
class FeedForwardTest {

    private static final int BATCH = 5;
    private static final int SEQ = 6;
    private static final int HIDDEN = 8;
    private static final int INTERMEDIATE = 32;

    private final TestRandom random = new TestRandom();

    static Stream<Device> devices() {
        return Stream.of(Devices.reference(), Devices.cpu());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void slicesGiveTheWholeBatchResultAndGradients(Device device) {
        float[] input = random.uniform(BATCH * SEQ * HIDDEN, -2, 2);
        float[] upstream = random.uniform(BATCH * SEQ * HIDDEN, -1, 1);
        long seed = random.nextLong();
        for (Codec codec : new Codec[] {Codec.NONE, new Codec.FixedInt4(2)}) {
            float[][] whole = run(device, input, upstream, seed, codec, 0);
            // 2 examples (12 tokens) per slice: slices of 2, 2 and 1 examples
            float[][] sliced = run(device, input, upstream, seed, codec, 2 * SEQ);
            String[] names = {"output", "input gradient", "up weight gradient", "down weight gradient"};
            for (int i = 0; i < names.length; i++) {
                // rows are computed alike; only the weight gradients sum their rows in another grouping
                assertArrayEquals(whole[i], sliced[i], 1e-5f, codec.label() + ": " + names[i]);
            }
        }
    }

    private float[][] run(Device device, float[] input, float[] upstream, long seed, Codec codec, int chunkTokens) {
        long before = device.ledger().liveTotal();
        float[][] results;
        try (Linear up = new Linear("intermediate.dense", device, HIDDEN, INTERMEDIATE, true);
             Linear down = new Linear("output.dense", device, INTERMEDIATE, HIDDEN, true);
             Scope scope = Scope.open();
             SavePolicy.Installed policy = SavePolicy.use(
                     site -> site.kind().equals(SaveKinds.GELU_INPUT) ? codec : Codec.NONE)) {
            SplittableRandom init = new SplittableRandom(seed);
            up.initialize(0.5, init);
            down.initialize(0.5, init);
            up.parameters().forEach(p -> p.requiresGrad(true));
            down.parameters().forEach(p -> p.requiresGrad(true));
            Tensor x = Tensor.of(device, input, BATCH, SEQ, HIDDEN).requiresGrad(true);
            Tensor y = FeedForward.forward(x, up, down, "intermediate", chunkTokens);
            Tensor g = Tensor.of(device, upstream, BATCH, SEQ, HIDDEN);
            Autograd.backward(Ops.sum(Ops.mul(y, g)));
            results = new float[][] {y.toFloatArray(), x.grad().toFloatArray(),
                    up.weight().grad().toFloatArray(), down.weight().grad().toFloatArray()};
            up.parameters().forEach(Tensor::releaseGrad);
            down.parameters().forEach(Tensor::releaseGrad);
        }
        assertEquals(before, device.ledger().liveTotal(), "everything freed");
        return results;
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aSliceHoldsOnlyItsShareOfThePreActivation(Device device) {
        float[] input = random.uniform(BATCH * SEQ * HIDDEN, -2, 2);
        long[] peaks = new long[2];
        for (int sliced = 0; sliced < 2; sliced++) {
            try (Linear up = new Linear("intermediate.dense", device, HIDDEN, INTERMEDIATE, true);
                 Linear down = new Linear("output.dense", device, INTERMEDIATE, HIDDEN, true);
                 Scope scope = Scope.open(); GradMode.Restore off = GradMode.disabled()) {
                up.initialize(0.5, new SplittableRandom(1));
                down.initialize(0.5, new SplittableRandom(2));
                Tensor x = Tensor.of(device, input, BATCH, SEQ, HIDDEN);
                device.ledger().resetPeaks();
                long start = device.ledger().liveTotal();
                FeedForward.forward(x, up, down, "intermediate", sliced == 1 ? SEQ : 0);
                peaks[sliced] = device.ledger().peakTotal() - start;
            }
        }
        long preActivation = (long) BATCH * SEQ * INTERMEDIATE * Float.BYTES;
        assertEquals(preActivation + (long) BATCH * SEQ * HIDDEN * Float.BYTES, peaks[0],
                "whole batch: the [tokens, intermediate] buffer (GELU in place: nothing is saved) and the output");
        assertTrue(peaks[1] < peaks[0] - preActivation / 2,
                "one example at a time: " + peaks[1] + " bytes at peak vs " + peaks[0]);
    }
}
