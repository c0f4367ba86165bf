package dev.slimfit.engine;

import dev.slimfit.kernels.KernelProvider;

/** Host memory with host kernels (the Panama CPU kernels or the scalar reference). */
public final class CpuDevice implements Device {

    private final String name;
    private final KernelProvider kernels;
    private final MemoryLedger ledger;

    public CpuDevice(String name, KernelProvider kernels) {
        this.name = name;
        this.kernels = kernels;
        this.ledger = new MemoryLedger(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KernelProvider kernels() {
        return kernels;
    }

    @Override
    public MemoryLedger ledger() {
        return ledger;
    }

    @Override
    public boolean isHost() {
        return true;
    }

    @Override
    public String toString() {
        return name + " (" + kernels.name() + ")";
    }
}
