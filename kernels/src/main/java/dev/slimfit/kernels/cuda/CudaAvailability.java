package dev.slimfit.kernels.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Whether this JVM can use the CUDA provider, and if not exactly why, found without ever crashing the JVM: each step
 * only loads libraries or asks for counts, and every failure is caught and turned into a reason.
 * <ol>
 *   <li>disabled with {@code -D}{@value #DISABLE_PROPERTY}{@code =off};</li>
 *   <li>the driver and runtime: loading JavaCPP's cudart glue needs {@code libcuda.so.1} (the NVIDIA driver) and
 *       {@code libcudart.so.13}; without them the load throws UnsatisfiedLinkError (and NoClassDefFoundError on later
 *       use), both caught;</li>
 *   <li>a device: {@code cudaGetDeviceCount} succeeds with at least one;</li>
 *   <li>the kernels: the fatbin is a resource of this jar (it is absent when nvcc was missing at build time);</li>
 *   <li>cuBLAS: {@code libcublas.so.13} loads (it comes from the machine's CUDA, e.g. on LD_LIBRARY_PATH).</li>
 * </ol>
 * The result is computed once per JVM.
 */
public final class CudaAvailability {

    /** {@code -Dslimfit.cuda=off} makes the CUDA device unavailable (e.g. to run the CPU paths alone on a GPU machine). */
    public static final String DISABLE_PROPERTY = "slimfit.cuda";

    private static volatile CudaAvailability checked;

    private final boolean available;
    private final String reason;
    private final byte[] fatbin;

    private CudaAvailability(boolean available, String reason, byte[] fatbin) {
        this.available = available;
        this.reason = reason;
        this.fatbin = fatbin;
    }

    /** The result for this JVM (checked on first use). */
    public static CudaAvailability get() {
        CudaAvailability result = checked;
        if (result == null) {
            synchronized (CudaAvailability.class) {
                if (checked == null) {
                    checked = check();
                }
                result = checked;
            }
        }
        return result;
    }

    public boolean available() {
        return available;
    }

    /** Why CUDA is unavailable, in one line; for an available device, what it has (device count, fatbin images). */
    public String reason() {
        return reason;
    }

    /** The fatbin's bytes (only when available). */
    byte[] fatbin() {
        return fatbin;
    }

    /** "CUDA available: ..." or "CUDA unavailable: <reason>". */
    public String describe() {
        return (available ? "CUDA available: " : "CUDA unavailable: ") + reason;
    }

    private static CudaAvailability check() {
        if ("off".equals(System.getProperty(DISABLE_PROPERTY))) {
            return unavailable("disabled with -D" + DISABLE_PROPERTY + "=off");
        }
        try {
            Loader.load(cudart.class);
        } catch (LinkageError | RuntimeException e) {
            return unavailable(libraryReason("the CUDA runtime (cudart) could not be loaded", e));
        }
        int[] count = new int[1];
        int status;
        try {
            status = cudart.cudaGetDeviceCount(count);
        } catch (LinkageError | RuntimeException e) {
            return unavailable(libraryReason("cudaGetDeviceCount could not be called", e));
        }
        if (status != 0) {
            return unavailable("no usable CUDA device: cudaGetDeviceCount returned "
                    + cudart.cudaGetErrorName(status).getString() + " (" + cudart.cudaGetErrorString(status).getString()
                    + ")");
        }
        if (count[0] == 0) {
            return unavailable("no CUDA device on this machine");
        }
        byte[] fatbin = FatbinContents.readResource();
        if (fatbin == null) {
            return unavailable("CUDA kernels not built: this build has no " + FatbinContents.RESOURCE.substring(1)
                    + " (nvcc was not found when it was built)");
        }
        String images;
        try {
            images = FatbinContents.parse(fatbin).describe();
        } catch (IllegalArgumentException e) {
            return unavailable("CUDA kernels unreadable: " + e.getMessage());
        }
        try {
            Loader.load(cublas.class);
        } catch (LinkageError | RuntimeException e) {
            return unavailable(libraryReason("cuBLAS could not be loaded (put the CUDA libraries, e.g. the "
                    + "nvidia/cublas/lib folder of a PyTorch install, on LD_LIBRARY_PATH)", e));
        }
        return new CudaAvailability(true, count[0] + " device(s); kernels for " + images, fatbin);
    }

    private static CudaAvailability unavailable(String reason) {
        return new CudaAvailability(false, reason, null);
    }

    /**
     * Names the library the loader could not find. A missing libcuda.so.1 means no NVIDIA driver, which is all there
     * is to say; otherwise the loader's last attempt (after JavaCPP's "; ") names the missing file.
     */
    private static String libraryReason(String what, Throwable e) {
        String message = String.valueOf(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            message += "; " + cause.getMessage();
        }
        if (message.contains("libcuda.so")) {
            return "NVIDIA driver library libcuda.so.1 not found (no GPU driver on this machine)";
        }
        String detail = firstLine(message);
        int lastAttempt = detail.lastIndexOf("; ");
        return what + " [" + e.getClass().getSimpleName() + ": "
                + (lastAttempt < 0 ? detail : detail.substring(lastAttempt + 2)) + "]";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
