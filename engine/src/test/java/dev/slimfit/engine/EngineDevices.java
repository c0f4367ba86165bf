package dev.slimfit.engine;

import java.util.stream.Stream;

/**
 * The devices every engine behaviour test runs on (one test body for every device): the scalar reference, the
 * Panama CPU kernels, and any accelerator available on this machine.
 */
public final class EngineDevices {

    private EngineDevices() {
    }

    public static Stream<Device> all() {
        return Stream.of(Devices.reference(), Devices.cpu());
    }
}
