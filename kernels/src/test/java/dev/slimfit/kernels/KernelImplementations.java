package dev.slimfit.kernels;

import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cuda.CudaKernels;
import dev.slimfit.kernels.ref.RefKernels;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The providers every kernel test runs against the reference: the CPU kernels with one and two threads (the
 * two-thread instance exercises the parallel split even on a one-core machine), and every other device provider
 * available on this machine: the CUDA provider where a GPU, its driver and the built kernels are present (where not,
 * {@code dev.slimfit.kernels.cuda.CudaAvailabilityTest} reports the skip and its reason). Use as a JUnit
 * {@code @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")}.
 */
public final class KernelImplementations {

    /**
     * {@code -Dslimfit.test.providers=cuda} keeps only the providers (and engine devices) whose name starts with one of
     * the comma-separated prefixes: the GPU kit runs the suite on CUDA alone, the CPU cases having run in CI.
     */
    public static final String PROVIDERS_PROPERTY = "slimfit.test.providers";

    private KernelImplementations() {
    }

    /** Whether a provider or device of this name is selected by {@link #PROVIDERS_PROPERTY} (all when unset). */
    public static boolean selected(String name) {
        String prefixes = System.getProperty(PROVIDERS_PROPERTY, "");
        if (prefixes.isBlank()) {
            return true;
        }
        for (String prefix : prefixes.split(",")) {
            if (!prefix.isBlank() && name.startsWith(prefix.strip())) {
                return true;
            }
        }
        return false;
    }

    public static KernelProvider reference() {
        return RefKernels.INSTANCE;
    }

    public static Stream<KernelProvider> underTest() {
        List<KernelProvider> providers = new ArrayList<>();
        providers.add(new CpuKernels(1));
        providers.add(new CpuKernels(2));
        if (CudaKernels.isAvailable()) {
            providers.add(CudaKernels.instance());
        }
        return providers.stream().filter(provider -> selected(provider.name()));
    }
}
