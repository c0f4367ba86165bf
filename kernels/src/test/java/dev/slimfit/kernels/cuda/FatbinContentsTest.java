package dev.slimfit.kernels.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java launchers and the CUDA sources agree without a GPU: {@link KernelFunction} lists exactly the
 * {@code extern "C"} kernels of native/src with their C parameter types, and the fatbin built from them (where nvcc
 * was present) has the three images the build asks for (sm_80, sm_90, compute_90), each defining every kernel, with
 * the PTX parameter lists the launchers pack.
 */
class FatbinContentsTest {

    /** native/src from the kernels module (Maven's working directory) or from the repository root (the GPU kit). */
    private static final Path SOURCES = Files.isDirectory(Path.of("..", "native", "src"))
            ? Path.of("..", "native", "src") : Path.of("native", "src");
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\((.*?)\\)\\s*\\{",
            Pattern.DOTALL);
    private static final List<String> EXPECTED_IMAGES = List.of("sm_80", "sm_90", "compute_90");

    @Test
    void kernelListIsExactlyTheKernelsOfTheSourcesWithTheirParameterTypes() throws IOException {
        Map<String, List<ArgumentType>> sources = kernelsInSources();
        Map<String, List<ArgumentType>> launchers = new LinkedHashMap<>();
        for (KernelFunction function : KernelFunction.values()) {
            launchers.put(function.symbol(), function.parameters());
        }
        assertEquals(new TreeSet<>(sources.keySet()), new TreeSet<>(launchers.keySet()),
                "kernels in native/src vs KernelFunction");
        for (Map.Entry<String, List<ArgumentType>> kernel : sources.entrySet()) {
            assertEquals(kernel.getValue(), launchers.get(kernel.getKey()), kernel.getKey() + " parameters in C");
        }
    }

    /** Launch constants the kernels size their shared memory or indexing by, as the sources define them. */
    @Test
    void launchConstantsAgreeWithTheSources() throws IOException {
        Map<String, Integer> constants = Map.of("ROW_WARPS", LaunchShape.ROW_WARPS, "WARP_SIZE",
                LaunchShape.WARP_SIZE, "COLUMN_TILE", CudaExecution.COLUMN_TILE, "COLUMN_ROW_LANES",
                CudaExecution.COLUMN_ROW_LANES);
        String all = String.join("\n", sourceTexts());
        for (Map.Entry<String, Integer> constant : constants.entrySet()) {
            Matcher definition = Pattern.compile("constexpr int " + constant.getKey() + " = (\\d+);").matcher(all);
            assertTrue(definition.find(), constant.getKey() + " is not defined in native/src");
            assertEquals(constant.getValue(), Integer.valueOf(definition.group(1)), constant.getKey()
                    + " in native/src vs the Java launchers");
        }
    }

    @Test
    void fatbinIsBuiltWhereverNvccIs() throws IOException, InterruptedException {
        byte[] fatbin = FatbinContents.readResource();
        if (fatbin == null) {
            assertTrue(!nvccOnPath(), "nvcc is on the PATH but the kernels' fatbin is not on the classpath: "
                    + "native/build-fatbin.sh did not run or failed");
            Assumptions.assumeTrue(false, "no fatbin: nvcc was not found when kernels/ was built");
        }
    }

    @Test
    void fatbinHasSm80Sm90AndCompute90Images() {
        FatbinContents contents = builtFatbin();
        assertEquals(EXPECTED_IMAGES, contents.images().stream().map(FatbinContents.Image::label).sorted(
                (a, b) -> Integer.compare(EXPECTED_IMAGES.indexOf(a), EXPECTED_IMAGES.indexOf(b))).toList(),
                "images " + contents.describe());
    }

    @Test
    void everyImageDefinesEveryKernelAndPtxParametersMatchTheLaunchers() {
        FatbinContents contents = builtFatbin();
        for (FatbinContents.Image image : contents.images()) {
            if (image.ptx()) {
                Map<String, List<String>> ptx = image.ptxKernels();
                List<String> symbols = Stream.of(KernelFunction.values()).map(KernelFunction::symbol).toList();
                assertEquals(new TreeSet<>(symbols), new TreeSet<>(ptx.keySet()), image.label() + " kernels");
                for (KernelFunction function : KernelFunction.values()) {
                    List<String> expected = function.parameters().stream().map(ArgumentType::ptxType).toList();
                    assertEquals(expected, ptx.get(function.symbol()), image.label() + " " + function.symbol());
                }
            } else {
                for (KernelFunction function : KernelFunction.values()) {
                    assertTrue(image.hasSymbol(function.symbol()), image.label() + " lacks " + function.symbol());
                }
            }
        }
    }

    @Test
    void parserRejectsWhatIsNotAFatbin() {
        try {
            FatbinContents.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            fail("a non-fatbin was accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("magic"), expected.getMessage());
        }
    }

    private static FatbinContents builtFatbin() {
        byte[] fatbin = FatbinContents.readResource();
        Assumptions.assumeTrue(fatbin != null, "no fatbin: nvcc was not found when kernels/ was built");
        FatbinContents contents = FatbinContents.parse(fatbin);
        assertNotNull(contents);
        return contents;
    }

    /** Every {@code extern "C" __global__} kernel of native/src/*.cuh with its parameters mapped to launcher types. */
    static Map<String, List<ArgumentType>> kernelsInSources() throws IOException {
        Map<String, List<ArgumentType>> kernels = new LinkedHashMap<>();
        for (String source : sourceTexts()) {
            Matcher kernel = KERNEL.matcher(source);
            while (kernel.find()) {
                List<ArgumentType> types = new ArrayList<>();
                for (String parameter : kernel.group(2).replaceAll("\\s+", " ").split(",")) {
                    types.add(argumentType(kernel.group(1), parameter.trim()));
                }
                if (kernels.put(kernel.group(1), types) != null) {
                    fail("kernel " + kernel.group(1) + " defined twice");
                }
            }
        }
        return kernels;
    }

    /** The text of every .cuh and .cu file of native/src, in file-name order. */
    private static List<String> sourceTexts() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(SOURCES)) {
            files = listing.filter(p -> p.toString().endsWith(".cuh") || p.toString().endsWith(".cu")).sorted()
                    .toList();
        }
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            texts.add(Files.readString(file));
        }
        return texts;
    }

    private static ArgumentType argumentType(String kernel, String parameter) {
        if (parameter.contains("*")) {
            return ArgumentType.POINTER;
        }
        if (parameter.startsWith("int64_t ") || parameter.startsWith("uint64_t ")) {
            return ArgumentType.INT64;
        }
        if (parameter.startsWith("int32_t ")) {
            return ArgumentType.INT32;
        }
        if (parameter.startsWith("float ")) {
            return ArgumentType.FLOAT32;
        }
        if (parameter.startsWith("double ")) {
            return ArgumentType.FLOAT64;
        }
        if (parameter.startsWith("slimfit::StridedLayout ")) {
            return ArgumentType.STRIDED_LAYOUT;
        }
        throw new AssertionError(kernel + ": parameter '" + parameter + "' has a type the launchers cannot pass "
                + "(use int64_t, int32_t, float, double, pointers or slimfit::StridedLayout); known: "
                + Arrays.toString(ArgumentType.values()));
    }

    private static boolean nvccOnPath() throws InterruptedException {
        try {
            Process process = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
