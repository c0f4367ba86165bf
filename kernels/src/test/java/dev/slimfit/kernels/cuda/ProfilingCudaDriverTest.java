package dev.slimfit.kernels.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProfilingCudaDriver} over {@link RecordingCudaDriver}, whose events read a simulated GPU clock (10 µs per
 * launch, 100 µs per cuBLAS call): the table counts each operation under its name with its GPU time, keeps counting
 * past its pool of event pairs, and {@link ProfilingCudaDriver#restart()} forgets what came before.
 */
class ProfilingCudaDriverTest {

    private final RecordingCudaDriver recording = new RecordingCudaDriver();
    private final ProfilingCudaDriver profiler = new ProfilingCudaDriver(recording);
    private final CudaKernels kernels = new CudaKernels(profiler);

    @AfterEach
    void close() {
        kernels.close();
    }

    private MemorySegment floats(long n) {
        return kernels.memory().allocate(n * Float.BYTES);
    }

    @Test
    void countsEachOperationUnderItsNameWithItsGpuTime() {
        MemorySegment x = floats(64);
        MemorySegment y = floats(64);
        MemorySegment z = floats(64);
        for (int i = 0; i < 3; i++) {
            kernels.elementwise().add(64, x, y, z);
        }
        kernels.gemm().gemm(false, false, 8, 8, 8, 1f, x, 8, y, 8, 0f, z, 8);
        kernels.gemm().gemm(true, false, 8, 8, 8, 1f, x, 8, y, 8, 0f, z, 8);
        kernels.memory().synchronize();
        String report = profiler.report();
        assertRow(report, "slimfit_add_f32", 3, 3 * RecordingCudaDriver.LAUNCH_MICROS);
        // row-major NN is cuBLAS's NN with the operands swapped; row-major TN is cuBLAS's NT
        assertRow(report, "cublas sgemm NN", 1, RecordingCudaDriver.SGEMM_MICROS);
        assertRow(report, "cublas sgemm NT", 1, RecordingCudaDriver.SGEMM_MICROS);
        assertTrue(report.contains("5 operations"), report);
    }

    @Test
    void keepsCountingPastItsPoolOfEventPairsAndRestartForgetsTheEarlierOperations() {
        MemorySegment x = floats(16);
        int launches = 10_000; // more than the pool holds, so the pending pairs are read several times
        for (int i = 0; i < launches; i++) {
            kernels.elementwise().scale(16, 2f, x, x);
        }
        assertRow(profiler.report(), "slimfit_scale_f32", launches, launches * RecordingCudaDriver.LAUNCH_MICROS);

        profiler.restart();
        kernels.elementwise().add(16, x, x, x);
        String afterRestart = profiler.report();
        assertRow(afterRestart, "slimfit_add_f32", 1, RecordingCudaDriver.LAUNCH_MICROS);
        assertFalse(afterRestart.contains("slimfit_scale_f32"), afterRestart);
    }

    @Test
    void theProviderOffersTheReportOnlyWhenProfiling() {
        assertTrue(kernels.profileReport().isPresent());
        CudaKernels plain = new CudaKernels(new RecordingCudaDriver());
        try {
            assertTrue(plain.profileReport().isEmpty());
            plain.restartProfile(); // nothing to restart, and no failure
        } finally {
            plain.close();
        }
    }

    /** Asserts the table's row for {@code name}: its call count and its GPU milliseconds. */
    private static void assertRow(String report, String name, long calls, long gpuMicros) {
        String row = Arrays.stream(report.split("\n")).filter(line -> line.startsWith(name + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + report));
        String[] fields = row.substring(name.length()).trim().split("\\s+");
        assertEquals(calls, Long.parseLong(fields[0]), row);
        assertEquals(gpuMicros / 1000.0, Double.parseDouble(fields[1]), 0.006, row);
    }
}
