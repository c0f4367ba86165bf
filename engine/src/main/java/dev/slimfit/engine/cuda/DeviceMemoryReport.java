package dev.slimfit.engine.cuda;

import java.util.Locale;

/**
 * Memory of a CUDA device from three points of view, side by side so that a gap between counted and real memory is
 * visible: the ledger (bytes tensors hold, by the engine's accounting), the caching allocator (rounded blocks in use,
 * and everything it has reserved from the driver, cached blocks included), and the device itself (cudaMemGetInfo:
 * used bytes, which include the CUDA context, cuBLAS's workspace and any other process, shown in total and relative
 * to when this device object was created).
 */
public record DeviceMemoryReport(String device, long ledgerLive, long ledgerPeak, long poolAllocated,
                                 long poolAllocatedPeak, long poolReserved, long poolReservedPeak,
                                 long providerWorkspace, long deviceUsed, long deviceUsedAtStart, long deviceTotal) {

    private static final double MIB = 1024.0 * 1024.0;

    /** Device bytes used now beyond what was used when the device object was created. */
    public long deviceUsedSinceStart() {
        return deviceUsed - deviceUsedAtStart;
    }

    /** One line: ledger live/peak, pool allocated/reserved (peaks), provider workspace, device used. */
    public String line() {
        return String.format(Locale.ROOT, "%s: ledger %.1f MiB (peak %.1f), pool in use %.1f MiB (peak %.1f), "
                        + "reserved %.1f MiB (peak %.1f), workspace %.1f MiB, device used %.1f MiB (+%.1f since start) "
                        + "of %.1f MiB", device, ledgerLive / MIB, ledgerPeak / MIB, poolAllocated / MIB,
                poolAllocatedPeak / MIB, poolReserved / MIB, poolReservedPeak / MIB, providerWorkspace / MIB,
                deviceUsed / MIB, deviceUsedSinceStart() / MIB, deviceTotal / MIB);
    }
}
