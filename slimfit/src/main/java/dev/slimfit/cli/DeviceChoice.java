package dev.slimfit.cli;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;

/** The {@code --device} option: {@code cpu} (Panama kernels), {@code ref} (scalar reference), {@code cuda}. */
public final class DeviceChoice {

    private DeviceChoice() {
    }

    public static Device resolve(String name) {
        return switch (name) {
            case "cpu" -> Devices.cpu();
            case "ref" -> Devices.reference();
            case "cuda" -> throw new IllegalArgumentException("device 'cuda' is not available: this build has no "
                    + "CUDA device yet; use --device cpu");
            default -> throw new IllegalArgumentException("unknown device '" + name + "'; expected cpu, ref or cuda");
        };
    }
}
