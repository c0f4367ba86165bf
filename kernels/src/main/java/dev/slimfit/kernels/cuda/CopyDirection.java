package dev.slimfit.kernels.cuda;

/** The direction of a copy, with the value of cudaMemcpyKind it maps to. */
public enum CopyDirection {
    HOST_TO_DEVICE(1),
    DEVICE_TO_HOST(2),
    DEVICE_TO_DEVICE(3);

    private final int memcpyKind;

    CopyDirection(int memcpyKind) {
        this.memcpyKind = memcpyKind;
    }

    /** The cudaMemcpyKind value (cudaMemcpyHostToDevice = 1, DeviceToHost = 2, DeviceToDevice = 3). */
    int memcpyKind() {
        return memcpyKind;
    }
}
