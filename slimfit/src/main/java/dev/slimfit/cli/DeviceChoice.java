package dev.slimfit.cli;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.kernels.cuda.CudaAvailability;

/** The {@code --device} option: {@code cpu} (Panama kernels), {@code ref} (scalar reference), {@code cuda} (GPU 0). */
public final class DeviceChoice {

    private DeviceChoice() {
    }

    /**
     * The device of that name.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException "CUDA unavailable: reason" for {@code cuda} on a machine that cannot run it
     */
    public static Device resolve(String name) {
        return switch (name) {
            case "cpu" -> Devices.cpu();
            case "ref" -> Devices.reference();
            case "cuda" -> Devices.cuda();
            default -> throw unknown(name);
        };
    }

    /**
     * Checks a device name, and for {@code cuda} that CUDA is usable here, without creating the device: a process
     * that only launches child JVMs should not hold a GPU context (and its memory) beside theirs.
     */
    public static void validate(String name) {
        switch (name) {
            case "cpu", "ref" -> {
            }
            case "cuda" -> {
                if (!Devices.cudaAvailable()) {
                    throw new IllegalStateException(CudaAvailability.get().describe());
                }
            }
            default -> throw unknown(name);
        }
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown device '" + name + "'; expected cpu, ref or cuda");
    }
}
