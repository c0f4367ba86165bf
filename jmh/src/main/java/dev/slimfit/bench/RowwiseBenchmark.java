package dev.slimfit.bench;

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
 * Softmax, LayerNorm and cross-entropy on the CPU at BERT-base shapes, in bytes moved per second (the {@code bytes}
 * counter of {@link WorkCounters}: every operand read plus every output written, once). Each shape has a
 * {@code …Copy} benchmark that moves as many bytes as the kernel's forward with {@link MemorySegment#copy}, split over
 * the same threads: the memory ceiling the kernel is compared with.
 *
 * <p>Run: {@code scripts/bench.sh RowwiseBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class RowwiseBenchmark {

    /** BERT-base attention: 32 sequences of 128 tokens, 12 heads; scores are [32, 12, 128, 128]. */
    static final int SEQUENCES = 32;
    static final int HEADS = 12;
    static final int SEQUENCE_LENGTH = 128;
    /** 4096 tokens of hidden 768. */
    static final int TOKENS = SEQUENCES * SEQUENCE_LENGTH;
    static final int HIDDEN = 768;
    static final float LAYER_NORM_EPS = 1e-12f;
    static final int IGNORE_INDEX = -100;

    private static final long FLOAT = Float.BYTES;
    private static final long COPY_CHUNK_BYTES = 1 << 18;

    /** Native buffers of one trial, on the CPU kernels with {@code threads} threads; freed at the end of the trial. */
    @State(Scope.Benchmark)
    public abstract static class Buffers {
        private final List<MemorySegment> owned = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(42);
        @Param({"1", "2"})
        public int threads;
        KernelProvider kernels;
        Parallel parallel;

        void start() {
            kernels = new CpuKernels(threads);
            parallel = Parallel.withThreads(threads);
        }

        MemorySegment floats(long n, double scale) {
            MemorySegment segment = NativeMemory.INSTANCE.allocate(n * FLOAT);
            owned.add(segment);
            for (long i = 0; i < n; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) ((random.nextDouble() * 2 - 1) * scale));
            }
            return segment;
        }

        MemorySegment ints(long n) {
            MemorySegment segment = NativeMemory.INSTANCE.allocate(n * Integer.BYTES);
            owned.add(segment);
            return segment;
        }

        /** {@code bytes} bytes from {@code src} to {@code dst}, split over the threads as the kernels split rows. */
        void copy(MemorySegment src, MemorySegment dst, long bytes) {
            parallel.forRange(bytes, COPY_CHUNK_BYTES, (start, end) -> MemorySegment.copy(src, start, dst, start,
                    end - start));
        }

        @TearDown(Level.Trial)
        public void free() {
            owned.forEach(NativeMemory.INSTANCE::free);
            owned.clear();
        }
    }

    /** Attention scores [32·12·128, 128] with a padding mask [32, 128] (a random number of padded keys per sequence). */
    @State(Scope.Benchmark)
    public static class Attention extends Buffers {
        final int rows = SEQUENCES * HEADS * SEQUENCE_LENGTH;
        final int cols = SEQUENCE_LENGTH;
        final long elements = (long) rows * cols;
        MemorySegment scores;
        MemorySegment mask;
        MemorySegment probabilities;
        MemorySegment dProbabilities;
        MemorySegment dScores;

        @Setup(Level.Trial)
        public void allocate() {
            start();
            scores = floats(elements, 8);
            probabilities = floats(elements, 1);
            dProbabilities = floats(elements, 1);
            dScores = floats(elements, 1);
            mask = floats((long) SEQUENCES * cols, 0);
            for (int s = 0; s < SEQUENCES; s++) {
                int length = 1 + random.nextInt(cols);
                for (int c = length; c < cols; c++) {
                    mask.setAtIndex(ValueLayout.JAVA_FLOAT, (long) s * cols + c, Float.NEGATIVE_INFINITY);
                }
            }
            kernels.softmax().forward(rows, cols, 0.125f, scores, mask, HEADS * SEQUENCE_LENGTH, probabilities);
        }
    }

    /** LayerNorm over 4096 tokens × 768. */
    @State(Scope.Benchmark)
    public static class Normalization extends Buffers {
        final int rows = TOKENS;
        final int cols = HIDDEN;
        final long elements = (long) rows * cols;
        MemorySegment x;
        MemorySegment gamma;
        MemorySegment beta;
        MemorySegment y;
        MemorySegment mean;
        MemorySegment rstd;
        MemorySegment dy;
        MemorySegment dx;
        MemorySegment dgamma;
        MemorySegment dbeta;

        @Setup(Level.Trial)
        public void allocate() {
            start();
            x = floats(elements, 3);
            gamma = floats(cols, 1);
            beta = floats(cols, 1);
            y = floats(elements, 1);
            mean = floats(rows, 1);
            rstd = floats(rows, 1);
            dy = floats(elements, 1);
            dx = floats(elements, 1);
            dgamma = floats(cols, 1);
            dbeta = floats(cols, 1);
            kernels.layerNorm().forward(rows, cols, LAYER_NORM_EPS, x, gamma, beta, y, mean, rstd);
        }
    }

    /** Cross-entropy of sentence-pair classification (4096 × 2) and of masked-LM logits (512 × 30522). */
    @State(Scope.Benchmark)
    public static class CrossEntropy extends Buffers {
        @Param({"4096x2", "512x30522"})
        public String shape;
        int rows;
        int classes;
        long elements;
        MemorySegment logits;
        MemorySegment targets;
        MemorySegment loss;
        MemorySegment dLogits;

        @Setup(Level.Trial)
        public void allocate() {
            start();
            String[] parts = shape.split("x");
            rows = Integer.parseInt(parts[0]);
            classes = Integer.parseInt(parts[1]);
            elements = (long) rows * classes;
            logits = floats(elements, 5);
            dLogits = floats(elements, 1);
            loss = floats(1, 1);
            targets = ints(rows);
            for (int r = 0; r < rows; r++) {
                int target = random.nextInt(10) == 0 ? IGNORE_INDEX : random.nextInt(classes);
                targets.setAtIndex(ValueLayout.JAVA_INT, r, target);
            }
        }
    }

    @Benchmark
    public void softmaxForward(Attention s, WorkCounters counters) {
        s.kernels.softmax().forward(s.rows, s.cols, 0.125f, s.scores, s.mask, HEADS * SEQUENCE_LENGTH, s.probabilities);
        counters.bytes += 2 * s.elements * FLOAT + (long) SEQUENCES * s.cols * FLOAT;
    }

    @Benchmark
    public void softmaxBackward(Attention s, WorkCounters counters) {
        s.kernels.softmax().backward(s.rows, s.cols, 0.125f, s.probabilities, s.dProbabilities, s.dScores);
        counters.bytes += 3 * s.elements * FLOAT;
    }

    /** The ceiling for the softmax: the scores copied once (read + write, as softmaxForward). */
    @Benchmark
    public void attentionCopy(Attention s, WorkCounters counters) {
        s.copy(s.scores, s.probabilities, s.elements * FLOAT);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void layerNormForward(Normalization s, WorkCounters counters) {
        s.kernels.layerNorm().forward(s.rows, s.cols, LAYER_NORM_EPS, s.x, s.gamma, s.beta, s.y, s.mean, s.rstd);
        counters.bytes += (2 * s.elements + 2L * s.cols + 2L * s.rows) * FLOAT;
    }

    @Benchmark
    public void layerNormBackward(Normalization s, WorkCounters counters) {
        s.kernels.layerNorm().backward(s.rows, s.cols, s.x, s.mean, s.rstd, s.gamma, s.dy, s.dx, s.dgamma, s.dbeta);
        counters.bytes += (3 * s.elements + 3L * s.cols + 2L * s.rows) * FLOAT;
    }

    /** The ceiling for LayerNorm: the activations copied once (read + write, as layerNormForward). */
    @Benchmark
    public void layerNormCopy(Normalization s, WorkCounters counters) {
        s.copy(s.x, s.y, s.elements * FLOAT);
        counters.bytes += 2 * s.elements * FLOAT;
    }

    @Benchmark
    public void crossEntropyForward(CrossEntropy s, WorkCounters counters) {
        s.kernels.losses().crossEntropyForward(s.rows, s.classes, s.logits, s.targets, IGNORE_INDEX, s.loss);
        counters.bytes += s.elements * FLOAT + (long) s.rows * Integer.BYTES + FLOAT;
    }

    @Benchmark
    public void crossEntropyBackward(CrossEntropy s, WorkCounters counters) {
        s.kernels.losses().crossEntropyBackward(s.rows, s.classes, s.logits, s.targets, IGNORE_INDEX, 1f, s.dLogits);
        counters.bytes += 2 * s.elements * FLOAT + (long) s.rows * Integer.BYTES;
    }

    /** The ceiling for cross-entropy: the logits copied once (read + write, as crossEntropyBackward). */
    @Benchmark
    public void crossEntropyCopy(CrossEntropy s, WorkCounters counters) {
        s.copy(s.logits, s.dLogits, s.elements * FLOAT);
        counters.bytes += 2 * s.elements * FLOAT;
    }
}
