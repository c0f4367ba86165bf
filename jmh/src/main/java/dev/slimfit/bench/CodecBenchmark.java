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
 * The activation codecs on the CPU at BERT-base FFN size (4096 tokens × 3072), in bytes moved per second (the
 * {@code bytes} counter of {@link WorkCounters}: the float side plus the encoded side, once each). {@code copy} moves
 * the float tensor once with {@link MemorySegment#copy} (read + write) over the same threads: the memory ceiling.
 * Top-k keeps 10 % of each row, for rows of 3072 (FFN) and 768 (hidden).
 *
 * <p>Run: {@code scripts/bench.sh CodecBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CodecBenchmark {

    static final int TOKENS = 4096;
    static final int FFN = 3072;
    /** SlimFit's defaults: int8 with 4 fractional bits, int4 with 1. */
    static final int INT8_FRAC_BITS = 4;
    static final int INT4_FRAC_BITS = 1;
    static final double TOP_K_FRACTION = 0.1;

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

        /** Gaussian-like floats (sum of two uniforms) of the given spread, so that some clamp and many tie in magnitude bits' prefixes. */
        MemorySegment floats(long n, double scale) {
            MemorySegment segment = bytes(n * FLOAT);
            for (long i = 0; i < n; i++) {
                double value = (random.nextDouble() + random.nextDouble() - 1) * scale;
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) value);
            }
            return segment;
        }

        MemorySegment bytes(long n) {
            MemorySegment segment = NativeMemory.INSTANCE.allocate(n);
            owned.add(segment);
            return segment;
        }

        @TearDown(Level.Trial)
        public void free() {
            owned.forEach(NativeMemory.INSTANCE::free);
            owned.clear();
        }
    }

    /** A 4096 × 3072 float activation and its int8 and int4 encodings. */
    @State(Scope.Benchmark)
    public static class FixedPoint extends Buffers {
        final long elements = (long) TOKENS * FFN;
        MemorySegment x;
        MemorySegment probabilities;
        MemorySegment out;
        MemorySegment bytePerElement;
        MemorySegment nibblePerElement;

        @Setup(Level.Trial)
        public void allocate() {
            start();
            x = floats(elements, 10);
            probabilities = floats(elements, 0.5);
            out = floats(elements, 1);
            bytePerElement = bytes(elements);
            nibblePerElement = bytes((elements + 1) / 2);
            kernels.codecs().encodeInt8(elements, INT8_FRAC_BITS, x, bytePerElement);
            kernels.codecs().encodeInt4(elements, INT4_FRAC_BITS, x, nibblePerElement);
        }
    }

    /** 4096 rows of 3072 or 768 floats, keeping 10 % of each. */
    @State(Scope.Benchmark)
    public static class TopK extends Buffers {
        @Param({"3072", "768"})
        public int cols;
        final int rows = TOKENS;
        int k;
        long elements;
        MemorySegment x;
        MemorySegment values;
        MemorySegment indices;
        MemorySegment out;

        @Setup(Level.Trial)
        public void allocate() {
            start();
            k = (int) (cols * TOP_K_FRACTION);
            elements = (long) rows * cols;
            x = floats(elements, 3);
            out = floats(elements, 1);
            values = bytes((long) rows * k * FLOAT);
            indices = bytes((long) rows * k * Integer.BYTES);
            kernels.codecs().encodeTopK(rows, cols, k, x, values, indices);
        }

        long encodedBytes() {
            return (long) rows * k * (FLOAT + Integer.BYTES);
        }
    }

    @Benchmark
    public void copy(FixedPoint s, WorkCounters counters) {
        long bytes = s.elements * FLOAT;
        s.parallel.forRange(bytes, COPY_CHUNK_BYTES, (start, end) -> MemorySegment.copy(s.x, start, s.out, start,
                end - start));
        counters.bytes += 2 * bytes;
    }

    @Benchmark
    public void encodeInt8(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().encodeInt8(s.elements, INT8_FRAC_BITS, s.x, s.bytePerElement);
        counters.bytes += s.elements * (FLOAT + 1);
    }

    @Benchmark
    public void decodeInt8(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().decodeInt8(s.elements, INT8_FRAC_BITS, s.bytePerElement, s.out);
        counters.bytes += s.elements * (FLOAT + 1);
    }

    @Benchmark
    public void encodeUint8(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().encodeUint8(s.elements, s.probabilities, s.bytePerElement);
        counters.bytes += s.elements * (FLOAT + 1);
    }

    @Benchmark
    public void decodeUint8(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().decodeUint8(s.elements, s.bytePerElement, s.out);
        counters.bytes += s.elements * (FLOAT + 1);
    }

    @Benchmark
    public void encodeInt4(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().encodeInt4(s.elements, INT4_FRAC_BITS, s.x, s.nibblePerElement);
        counters.bytes += s.elements * FLOAT + (s.elements + 1) / 2;
    }

    @Benchmark
    public void decodeInt4(FixedPoint s, WorkCounters counters) {
        s.kernels.codecs().decodeInt4(s.elements, INT4_FRAC_BITS, s.nibblePerElement, s.out);
        counters.bytes += s.elements * FLOAT + (s.elements + 1) / 2;
    }

    @Benchmark
    public void encodeTopK(TopK s, WorkCounters counters) {
        s.kernels.codecs().encodeTopK(s.rows, s.cols, s.k, s.x, s.values, s.indices);
        counters.bytes += s.elements * FLOAT + s.encodedBytes();
    }

    @Benchmark
    public void decodeTopK(TopK s, WorkCounters counters) {
        s.kernels.codecs().decodeTopK(s.rows, s.cols, s.k, s.values, s.indices, s.out);
        counters.bytes += s.elements * FLOAT + s.encodedBytes();
    }
}
