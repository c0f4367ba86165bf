package dev.slimfit.model.checkpoint;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.model.nn.Module;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helpers shared by the checkpoint tests: a device with its own ledger, tensors from host arrays, byte snapshots. */
public final class CheckpointTestSupport {

    private CheckpointTestSupport() {
    }

    /** A CPU device whose ledger only this test sees, so that its figures are exact. */
    public static CpuDevice freshDevice(String name) {
        return new CpuDevice(name, CpuKernels.defaultInstance());
    }

    public static Tensor parameter(CpuDevice device, String name, float[] values, int... dims) {
        return Tensor.fromFloats(device, values, Shape.of(dims), Category.PARAMETER, name).name(name);
    }

    public static Tensor integers(CpuDevice device, String name, DType dtype, byte[] bytes, int... dims) {
        Tensor t = Tensor.empty(device, dtype, Shape.of(dims), Category.PARAMETER, name).name(name);
        t.copyFromHost(MemorySegment.ofArray(bytes), bytes.length);
        return t;
    }

    /** Every parameter's bytes, by name: what "bit-exact" compares. */
    public static Map<String, byte[]> snapshot(Module model) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        model.namedParameters().forEach((name, t) -> bytes.put(name, t.toByteArray()));
        return bytes;
    }

    public static void assertSameBytes(Map<String, byte[]> expected, Map<String, byte[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": parameter names");
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), what + ": bytes of " + e.getKey());
        }
    }
}
