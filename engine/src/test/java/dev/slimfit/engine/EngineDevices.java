package dev.slimfit.engine;

import dev.slimfit.kernels.KernelImplementations;

import java.util.stream.Stream;

/**
 * The devices every engine behaviour test runs on (one test body for every device): the scalar reference, the
 * Panama CPU kernels, and any accelerator available on this machine.
 */
public final class EngineDevices {

    private EngineDevices() {
    }

    public static Stream<Device> all() {
        Stream<Device> host = Stream.of(Devices.reference(), Devices.cpu());
        // where CUDA is unavailable, dev.slimfit.engine.cuda.CudaDeviceTest reports the skip and its reason
        Stream<Device> all = Devices.cudaAvailable() ? Stream.concat(host, Stream.of(Devices.cuda())) : host;
        return all.filter(device -> KernelImplementations.selected(device.name()));
    }
}
