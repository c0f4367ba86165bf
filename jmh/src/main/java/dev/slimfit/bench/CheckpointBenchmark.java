package dev.slimfit.bench;

import dev.slimfit.engine.Devices;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.CheckpointFolder;
import dev.slimfit.model.checkpoint.CheckpointLoader;
import dev.slimfit.model.checkpoint.LoadOptions;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.checkpoint.onnx.BertOnnxImporter;
import dev.slimfit.model.checkpoint.onnx.MiniLmOnnxImporter;
import dev.slimfit.model.checkpoint.onnx.OnnxModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the real all-MiniLM-L6-v2 (90 MB of F32 weights) into an existing model: from a safetensors file saved by
 * this project, and from the ONNX export (graph parse, weight naming, 36 transpositions). Both files sit in the
 * page cache, so a load is: map, parse, copy every weight from the mapping into the parameters. {@code bytes} counts
 * that copy, read and write (2 × the parameter bytes); {@link #copyCeiling} is one plain copy of the same size
 * between two native buffers, counted the same way: the rate a load could at best reach. Saving is also timed; it
 * forces the file to disk, so it measures the disk more than this code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CheckpointBenchmark {

    private BertModel model;
    private Path folder;
    private Path weights;
    private Path onnx;
    private long parameterBytes;
    private Arena arena;
    private MemorySegment copySource;
    private MemorySegment copyTarget;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        model = MiniLmOnnxImporter.load(Devices.cpu(), 0);
        parameterBytes = model.parameterBytes();
        folder = Files.createTempDirectory("slimfit-checkpoint-bench");
        CheckpointFolder.save(model, folder);
        weights = folder.resolve(CheckpointFolder.WEIGHTS_FILE);
        onnx = folder.resolve("model.onnx");
        try (InputStream in = MiniLmAssets.openOnnx()) {
            Files.copy(in, onnx, StandardCopyOption.REPLACE_EXISTING);
        }
        arena = Arena.ofShared();
        copySource = arena.allocate(parameterBytes, 64);
        copyTarget = arena.allocate(parameterBytes, 64);
        copySource.fill((byte) 1);
        copyTarget.fill((byte) 0);
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        model.close();
        arena.close();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every parameter from the safetensors file, checked against the model first. */
    @Benchmark
    public LoadReport loadSafetensors(WorkCounters work) throws IOException {
        LoadReport report = CheckpointLoader.load(model, weights, LoadOptions.EXACT);
        work.bytes += 2.0 * parameterBytes;
        return report;
    }

    /** Every parameter from the ONNX export: parse the graph, name the MatMul weights, transpose them. */
    @Benchmark
    public LoadReport importOnnx(WorkCounters work) throws IOException {
        try (OnnxModelFile file = OnnxModelFile.open(onnx)) {
            LoadReport report = BertOnnxImporter.importInto(model, file, false);
            work.bytes += 2.0 * parameterBytes;
            return report;
        }
    }

    /** The ceiling: one copy of the parameter bytes between native buffers. */
    @Benchmark
    public MemorySegment copyCeiling(WorkCounters work) {
        MemorySegment.copy(copySource, 0, copyTarget, 0, parameterBytes);
        work.bytes += 2.0 * parameterBytes;
        return copyTarget;
    }

    /** model.safetensors + config.json, written to a temporary file, forced to disk and renamed. */
    @Benchmark
    public Path saveFolder(WorkCounters work) throws IOException {
        CheckpointFolder.save(model, folder);
        work.bytes += parameterBytes;
        return folder;
    }
}
