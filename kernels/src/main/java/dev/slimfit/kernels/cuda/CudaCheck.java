package dev.slimfit.kernels.cuda;

/**
 * Prints in one line whether the CUDA device can be used here and why not, then (when it can) the device and the
 * fatbin's images. Exit code 0 when available, 3 when not. The GPU kit runs it first.
 */
public final class CudaCheck {

    /** Exit code for "CUDA unavailable". */
    public static final int UNAVAILABLE = 3;

    private CudaCheck() {
    }

    public static void main(String[] args) {
        CudaAvailability availability = CudaAvailability.get();
        System.out.println(availability.describe());
        if (!availability.available()) {
            System.exit(UNAVAILABLE);
        }
        CudaKernels kernels = CudaKernels.instance();
        CudaDriver driver = kernels.driver();
        long[] memory = driver.memoryInfo();
        System.out.printf("device: %s, compute capability %d.%d, %d multiprocessors, %.1f of %.1f GiB free%n",
                driver.deviceName(), driver.computeCapability() / 10, driver.computeCapability() % 10,
                driver.multiprocessors(), memory[0] / (double) (1L << 30), memory[1] / (double) (1L << 30));
    }
}
