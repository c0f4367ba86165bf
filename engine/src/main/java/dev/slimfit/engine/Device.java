package dev.slimfit.engine;

import dev.slimfit.kernels.DeviceMemory;
import dev.slimfit.kernels.KernelProvider;

/** Where tensor data lives and runs: raw memory, the kernels that compute on it, and its memory ledger. */
public interface Device {

    /** A stable name for messages and reports, e.g. {@code cpu} or {@code cuda:0}. */
    String name();

    KernelProvider kernels();

    default DeviceMemory memory() {
        return kernels().memory();
    }

    MemoryLedger ledger();

    /** Whether this device's buffers are host memory that Java code may read directly. */
    boolean isHost();
}
