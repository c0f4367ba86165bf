package dev.slimfit.engine;

import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.ref.RefKernels;

/** The standard devices. Each has its own ledger. */
public final class Devices {

    private static volatile CpuDevice cpu;
    private static volatile CpuDevice reference;

    private Devices() {
    }

    /** The host with the Panama kernels and the default thread count ({@link CpuKernels#THREADS_PROPERTY}). */
    public static CpuDevice cpu() {
        CpuDevice d = cpu;
        if (d == null) {
            synchronized (Devices.class) {
                if (cpu == null) {
                    cpu = new CpuDevice("cpu", CpuKernels.defaultInstance());
                }
                d = cpu;
            }
        }
        return d;
    }

    /** The host with the scalar reference kernels: slow, for checking. */
    public static CpuDevice reference() {
        CpuDevice d = reference;
        if (d == null) {
            synchronized (Devices.class) {
                if (reference == null) {
                    reference = new CpuDevice("cpu-ref", RefKernels.INSTANCE);
                }
                d = reference;
            }
        }
        return d;
    }
}
