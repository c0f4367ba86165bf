package dev.slimfit.bench;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.KernelProvider;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cpu.NativeMemory;
import dev.slimfit.kernels.cpu.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The memory-bound CPU kernels at BERT-base sizes, in bytes moved per second (the {@code bytes} counter of
 * {@link WorkCounters}: every operand read plus every output written, once). {@code copy} is the ceiling: a plain
 * {@link MemorySegment#copy} of the same bytes as a one-input kernel, split over the same number of threads; a kernel
 * that reaches copy's GB/s runs at the memory's speed.
 *
 * <p>Run: {@code scripts/bench.sh PointwiseBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PointwiseBenchmark {

    /** BERT-base: 4096 tokens (e.g. 32 sequences of 128) of hidden 768, and the FFN's 3072. */
    static final int TOKENS = 4096;
    static final int VOCABULARY = 30_522;
    static final int HIDDEN = 768;

    /** Native buffers filled with random floats, freed at the end of the trial. */
    abstract static class Buffers {
        private final List<MemorySegment> owned = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(42);

        MemorySegment randomFloats(long n, double scale) {
            MemorySegment segment = NativeMemory.INSTANCE.allocate(n * Float.BYTES);
            owned.add(segment);
            for (long i = 0; i < n; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) ((random.nextDouble() * 2 - 1) * scale));
            }
            return segment;
        }

        @TearDown(Level.Trial)
        public void free() {
            owned.forEach(NativeMemory.INSTANCE::free);
            owned.clear();
        }
    }

    /** Activation-sized operands: 4096 × 768 or 4096 × 3072 floats. */
    @State(Scope.Benchmark)
    public static class Activations extends Buffers {
        @Param({"3145728", "12582912"})
        public int elements;
        @Param({"1", "2"})
        public int threads;

        KernelProvider kernels;
        Parallel parallel;
        MemorySegment a;
        MemorySegment b;
        MemorySegment out;
        MemorySegment bias;
        MemorySegment sum;
        int cols;

        @Setup(Level.Trial)
        public void allocate() {
            kernels = new CpuKernels(threads);
            parallel = Parallel.withThreads(threads);
            cols = elements / TOKENS;
            a = randomFloats(elements, 3);
            b = randomFloats(elements, 3);
            out = randomFloats(elements, 1);
            bias = randomFloats(cols, 1);
            sum = randomFloats(1, 1);
        }
    }

    /** AdamW over BERT-base's word embeddings: 30522 × 768 = 23.4 M parameters. */
    @State(Scope.Benchmark)
    public static class Optimizer extends Buffers {
        @Param({"1", "2"})
        public int threads;

        KernelProvider kernels;
        MemorySegment w;
        MemorySegment g;
        MemorySegment m;
        MemorySegment v;
        long n = (long) VOCABULARY * HIDDEN;
        long step;

        @Setup(Level.Trial)
        public void allocate() {
            kernels = new CpuKernels(threads);
            w = randomFloats(n, 0.05);
            g = randomFloats(n, 0.01);
            m = randomFloats(n, 0.001);
            v = randomFloats(n, 1e-6);
        }
    }

    /** Embedding lookup of 4096 tokens × 768 from the 30522-row vocabulary. */
    @State(Scope.Benchmark)
    public static class Lookup extends Buffers {
        @Param({"1", "2"})
        public int threads;

        KernelProvider kernels;
        MemorySegment table;
        MemorySegment indices;
        MemorySegment out;

        @Setup(Level.Trial)
        public void allocate() {
            kernels = new CpuKernels(threads);
            table = randomFloats((long) VOCABULARY * HIDDEN, 1);
            out = randomFloats((long) TOKENS * HIDDEN, 1);
            indices = randomFloats(TOKENS, 1); // reused as int storage below
            for (int i = 0; i < TOKENS; i++) {
                indices.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(VOCABULARY));
            }
        }
    }

    private static final long FLOAT = Float.BYTES;

    @Benchmark
    public void copy(Activations s, WorkCounters counters) {
        long bytes = s.elements * FLOAT;
        s.parallel.forRange(bytes, 1 << 18, (start, end) -> MemorySegment.copy(s.a, start, s.out, start, end - start));
        counters.bytes += 2 * bytes;
    }

    /** contiguous() of the attention heads view [b, s, h, d] → [b, h, s, d] (runs of d = 64 or 256 floats). */
    @Benchmark
    public void copyStridedHeads(Activations s, WorkCounters counters) {
        int sequence = 128;
        int heads = 12;
        int headDim = s.cols / heads;
        long[] shape = {TOKENS / sequence, heads, sequence, headDim};
        long[] strides = {(long) sequence * s.cols, headDim, s.cols, 1};
        s.kernels.elementwise().copyStrided(shape, strides, s.a, s.out, Float.BYTES);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    /** contiguous() of a transposed [tokens, cols] matrix. */
    @Benchmark
    public void copyStridedTranspose(Activations s, WorkCounters counters) {
        long[] shape = {s.cols, TOKENS};
        long[] strides = {1, s.cols};
        s.kernels.elementwise().copyStrided(shape, strides, s.a, s.out, Float.BYTES);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void add(Activations s, WorkCounters counters) {
        s.kernels.elementwise().add(s.elements, s.a, s.b, s.out);
        counters.bytes += 3 * s.elements * FLOAT;
    }

    @Benchmark
    public void scale(Activations s, WorkCounters counters) {
        s.kernels.elementwise().scale(s.elements, 0.5f, s.a, s.out);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void axpy(Activations s, WorkCounters counters) {
        s.kernels.elementwise().axpy(s.elements, 1e-3f, s.a, s.out);
        counters.bytes += 3 * s.elements * FLOAT;
    }

    @Benchmark
    public void addBias(Activations s, WorkCounters counters) {
        s.kernels.elementwise().addBias(TOKENS, s.cols, s.a, s.bias, s.out);
        counters.bytes += (2L * s.elements + s.cols) * FLOAT;
    }

    @Benchmark
    public void biasResidual(Activations s, WorkCounters counters) {
        s.kernels.elementwise().biasResidual(TOKENS, s.cols, s.a, s.bias, s.b, s.out);
        counters.bytes += (3L * s.elements + s.cols) * FLOAT;
    }

    @Benchmark
    public void geluForward(Activations s, WorkCounters counters) {
        s.kernels.activations().geluForward(s.elements, s.a, s.out);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void geluBackward(Activations s, WorkCounters counters) {
        s.kernels.activations().geluBackward(s.elements, s.a, s.b, s.out);
        counters.bytes += 3 * s.elements * FLOAT;
    }

    @Benchmark
    public void dropoutForward(Activations s, WorkCounters counters) {
        s.kernels.dropout().forward(s.elements, 0.1f, 1234, 0, s.a, s.out);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void sum(Activations s, WorkCounters counters) {
        s.kernels.reductions().sum(s.elements, s.a, s.sum);
        counters.bytes += s.elements * FLOAT;
    }

    @Benchmark
    public double adamw(Optimizer s, WorkCounters counters) {
        s.step++;
        AdamWParams params = new AdamWParams(2e-5f, 0.9f, 0.999f, 1e-8f, 0.01f, s.step);
        double change = s.kernels.optimizers().adamw(s.n, s.w, s.g, s.m, s.v, params, ChangeMetric.GUARDED);
        counters.bytes += 7 * s.n * FLOAT; // read w, g, m, v; write w, m, v
        return change;
    }

    @Benchmark
    public void embeddingGather(Lookup s, WorkCounters counters) {
        s.kernels.embedding().gather(TOKENS, HIDDEN, s.table, VOCABULARY, s.indices, s.out);
        counters.bytes += (2L * TOKENS * HIDDEN + TOKENS) * FLOAT;
    }
}
