package dev.slimfit.engine.cuda;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.kernels.cuda.CudaAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's CUDA device: where CUDA is unavailable, selecting it is an IllegalStateException with the reason (and
 * the CUDA cases of the engine suite are reported skipped here); on a GPU, tensors live in cached device blocks that
 * are all in the ledger, and the memory report puts ledger, pool and device side by side.
 */
class CudaDeviceTest {

    private final TestRandom random = new TestRandom();

    @Test
    void unavailableCudaIsOneClearError() {
        Assumptions.assumeFalse(Devices.cudaAvailable(), "CUDA is available here");
        IllegalStateException e = assertThrows(IllegalStateException.class, Devices::cuda);
        assertEquals(CudaAvailability.get().describe(), e.getMessage());
        assertTrue(e.getMessage().startsWith("CUDA unavailable: "), e.getMessage());
    }

    @Test
    void engineCudaCasesRunOrTheSkipSaysWhy() {
        Assumptions.assumeTrue(Devices.cudaAvailable(), "engine CUDA tests skipped: "
                + CudaAvailability.get().describe());
        assertEquals(CudaDevice.NAME, Devices.cuda().name());
    }

    @Test
    void tensorsRoundTripThroughCachedBlocksAndEveryBlockIsInTheLedger() {
        Assumptions.assumeTrue(Devices.cudaAvailable(), CudaAvailability.get().describe());
        CudaDevice device = Devices.cuda();
        long ledgerBefore = device.ledger().liveTotal();
        long inUseBefore = device.allocator().allocatedBytes();
        float[] values = random.uniform(3 * 1000 + 7, -1, 1);
        try (Scope scope = Scope.open()) {
            Tensor t = Tensor.fromFloats(device, values, Shape.of(values.length), Category.WORKSPACE, "round trip");
            assertArrayEquals(values, t.toFloatArray(), random.describe());
            assertEquals(ledgerBefore + (long) values.length * Float.BYTES, device.ledger().liveTotal());
            assertEquals(inUseBefore + CachingAllocator.roundedSize((long) values.length * Float.BYTES),
                    device.allocator().allocatedBytes());
        }
        assertEquals(ledgerBefore, device.ledger().liveTotal());
        assertEquals(inUseBefore, device.allocator().allocatedBytes());
        DeviceMemoryReport report = device.memoryReport();
        assertTrue(report.poolReserved() >= report.poolAllocated(), report.line());
        assertTrue(report.deviceUsed() >= report.poolReserved(), report.line());
    }
}
