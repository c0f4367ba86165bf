package dev.slimfit.kernels.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whether the CUDA provider is usable here, and if not that it says exactly why without harming the JVM. On a
 * machine without a GPU the first test is reported as skipped with the reason (so a test report shows that the CUDA
 * cases did not run and why); with {@code -D}{@value #REQUIRE_PROPERTY}{@code =true} (the GPU kit sets it) it fails
 * instead, so a GPU run cannot silently skip CUDA.
 */
class CudaAvailabilityTest {

    /** Set on a GPU machine: CUDA must be available there. */
    static final String REQUIRE_PROPERTY = "slimfit.cuda.require";

    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void cudaProviderIsAvailableOrTheSkipSaysWhy() {
        CudaAvailability availability = CudaAvailability.get();
        if (!availability.available()) {
            if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                fail("-D" + REQUIRE_PROPERTY + "=true but " + availability.describe());
            }
            Assumptions.assumeTrue(false, "CUDA tests skipped: " + availability.describe());
        }
        CudaKernels kernels = CudaKernels.instance();
        assertEquals("cuda", kernels.name());
        assertTrue(kernels.driver().multiprocessors() > 0, kernels.driver().deviceName());
    }

    @Test
    void unavailableProviderThrowsTheReasonInsteadOfCrashing() {
        CudaAvailability availability = CudaAvailability.get();
        Assumptions.assumeFalse(availability.available(), "CUDA is available here");
        IllegalStateException e = assertThrows(IllegalStateException.class, CudaKernels::instance);
        assertEquals(availability.describe(), e.getMessage());
        assertFalse(CudaKernels.isAvailable());
        // asking again gives the same answer (the check runs once) and the JVM is still fine
        assertThrows(IllegalStateException.class, CudaKernels::instance);
    }

    /**
     * The check in a fresh JVM with a fresh JavaCPP cache (a reused cache can hide a missing library): on a machine
     * without the NVIDIA driver library it must name libcuda.so.1 and exit with {@link CudaCheck#UNAVAILABLE}; where
     * the driver is installed it must not claim that it is missing.
     */
    @Test
    void freshJvmReportsTheReasonForThisMachine() throws IOException, InterruptedException {
        Path cache = Files.createTempDirectory("slimfit-javacpp-cache");
        try {
            checkFreshJvm(cache);
        } finally {
            deleteTree(cache);
        }
    }

    private static void checkFreshJvm(Path cache) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        command.add("-cp");
        command.add(childClassPath());
        command.add(CudaCheck.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "CudaCheck did not finish: " + output);
        int exit = process.exitValue();
        if (!driverLibraryInstalled()) {
            assertEquals(CudaCheck.UNAVAILABLE, exit, output);
            assertTrue(output.contains("CUDA unavailable: NVIDIA driver library libcuda.so.1 not found"), output);
        } else {
            assertFalse(output.contains("libcuda.so.1 not found"), output);
            assertTrue(exit == 0 || exit == CudaCheck.UNAVAILABLE, "exit " + exit + ": " + output);
        }
    }

    /**
     * This JVM's class path plus the jars (or folders) that hold CudaCheck and JavaCPP: under a launcher with its own
     * class loader (JUnit's console launcher in the GPU kit) java.class.path alone does not reach them.
     */
    private static String childClassPath() {
        java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>(
                List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        for (Class<?> type : List.of(CudaCheck.class, org.bytedeco.javacpp.Loader.class,
                org.bytedeco.cuda.global.cudart.class)) {
            try {
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** Deletes a folder tree; symbolic links (JavaCPP links system libraries into its cache) are removed, not followed. */
    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Whether libcuda.so.1 is where the dynamic loader looks: LD_LIBRARY_PATH or the system's library folders. */
    private static boolean driverLibraryInstalled() throws IOException, InterruptedException {
        List<String> folders = new ArrayList<>();
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        if (ldPath != null) {
            folders.addAll(List.of(ldPath.split(":")));
        }
        folders.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/local/nvidia/lib64", "/usr/local/cuda/compat"));
        for (String folder : folders) {
            if (!folder.isEmpty() && Files.exists(Path.of(folder, "libcuda.so.1"))) {
                return true;
            }
        }
        Process ldconfig;
        try {
            ldconfig = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
        } catch (IOException e) {
            return false; // no ldconfig: the folders above are all we can know
        }
        String cache = new String(ldconfig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldconfig.waitFor();
        return cache.contains("libcuda.so.1 ");
    }
}
