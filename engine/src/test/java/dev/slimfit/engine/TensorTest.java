package dev.slimfit.engine;

import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Views, copies, lifecycle and argument errors, on every device. */
class TensorTest {

    private final TestRandom random = new TestRandom();

    static java.util.stream.Stream<Device> devices() {
        return EngineDevices.all();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void viewsShareStorageAndContiguousCopiesOnlyWhenNeeded(Device device) {
        long start = device.ledger().liveTotal();
        try (Scope scope = Scope.open()) {
            float[] data = random.uniform(2 * 3 * 4, -1, 1);
            Tensor x = Tensor.of(device, data, 2, 3, 4);
            Tensor r = x.reshape(6, 4);
            Tensor t = x.transpose(1, 2);
            Tensor n = x.narrow(2, 1, 2);
            Tensor e = Ops.expand(Tensor.of(device, new float[] {1, 2, 3}, 3, 1), 2, 3, 5);
            assertTrue(r.sharesStorageWith(x) && t.sharesStorageWith(x) && n.sharesStorageWith(x));
            assertFalse(t.isContiguous());
            assertArrayEquals(new long[] {12, 1, 4}, t.strides());
            Tensor same = r.contiguous();
            assertTrue(same.sharesStorageWith(x), "contiguous() of a contiguous view must not copy");
            Tensor copy = t.contiguous();
            assertFalse(copy.sharesStorageWith(x));
            // transposed values: copy[b, j, i] == x[b, i, j]
            float[] c = copy.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(data[b * 12 + i * 4 + j], c[b * 12 + j * 3 + i]);
                    }
                }
            }
            float[] narrowed = n.toFloatArray();
            assertEquals(data[1], narrowed[0]);
            assertEquals(data[2], narrowed[1]);
            assertEquals(data[5], narrowed[2]);
            assertEquals(0, e.strides()[0]);
            assertEquals(2f, e.toFloatArray()[5]);
            Tensor cat = Ops.concat(0, x, x);
            assertEquals(data[7], cat.toFloatArray()[24 + 7]);
        }
        assertEquals(start, device.ledger().liveTotal(), "scope did not free everything");
    }

    @ParameterizedTest
    @MethodSource("devices")
    void closedTensorsAndBadArgumentsGiveClearErrorsBeforeAnyKernel(Device device) {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(device, random.uniform(6, -1, 1), 2, 3);
            Tensor b = Tensor.of(device, random.uniform(8, -1, 1), 2, 4);
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b));
            assertTrue(shape.getMessage().startsWith("add:") && shape.getMessage().contains("[2, 3]")
                    && shape.getMessage().contains("[2, 4]"), shape.getMessage());
            IllegalArgumentException inner = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(a, b));
            assertTrue(inner.getMessage().contains("matmul") && inner.getMessage().contains("[2, 4]"),
                    inner.getMessage());
            Tensor ids = Tensor.ofInts(device, new int[] {0, 1}, 2);
            IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class, () -> Ops.add(a, ids));
            assertTrue(dtype.getMessage().contains("I32"), dtype.getMessage());
            Tensor bad = Tensor.ofInts(device, new int[] {0, 7}, 2);
            IndexOutOfBoundsException index = assertThrows(IndexOutOfBoundsException.class,
                    () -> Ops.embedding(bad, a));
            assertTrue(index.getMessage().contains("embedding") && index.getMessage().contains("7"),
                    index.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.reshape(4, -1));
            assertThrows(IllegalArgumentException.class, () -> a.narrow(1, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> Ops.dropout(a, 1f, new RandomStream(1)));
            a.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> Ops.gelu(a));
            assertTrue(closed.getMessage().startsWith("gelu:") && closed.getMessage().contains("closed"),
                    closed.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void scopesCloseIntermediatesAndKeepHandsOut(Device device) {
        long start = device.ledger().liveTotal();
        Tensor kept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                Tensor x = Tensor.of(device, random.uniform(10, -1, 1), 10);
                Tensor y = Ops.scale(x, 2f);
                kept = inner.keep(y);
            }
            assertFalse(kept.isClosed(), "a kept tensor survives its scope");
            outer.keep(kept);
        }
        assertFalse(kept.isClosed(), "kept out of the outermost scope: the caller owns it");
        assertEquals(40, device.ledger().liveTotal() - start);
        kept.close();
        assertEquals(start, device.ledger().liveTotal());
    }
}
