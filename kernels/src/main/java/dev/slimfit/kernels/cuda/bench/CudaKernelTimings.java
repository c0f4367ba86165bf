package dev.slimfit.kernels.cuda.bench;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.cuda.CudaAvailability;
import dev.slimfit.kernels.cuda.CudaDriver;
import dev.slimfit.kernels.cuda.CudaEvent;
import dev.slimfit.kernels.cuda.CudaKernels;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GPU timings of the CUDA kernels, for the GPU machine where JMH is not available: each case runs a few times to warm
 * up, then {@value #DEFAULT_REPEATS} times between two CUDA events; the median is reported. Memory-bound kernels are
 * compared with the device-to-device copy bandwidth measured the same way (bytes read plus written, buffers of at
 * least 64 MiB so that caches do not help); GEMMs report GFLOP/s (2·m·n·k per product). Host copies report the
 * bandwidth through the provider's pinned staging.
 *
 * <p>Usage: {@code CudaKernelTimings [--mib 256] [--repeats 50] [--out timings.tsv]}
 */
public final class CudaKernelTimings {

    static final int DEFAULT_REPEATS = 50;
    private static final int WARMUP = 3;
    private static final int DEFAULT_MIB = 256;
    private static final int BERT_HIDDEN = 768;
    private static final int BERT_SEQUENCE = 128;
    private static final int BERT_INTERMEDIATE = 3072;

    private final CudaKernels kernels;
    private final CudaDriver driver;
    private final int repeats;
    private final List<String> rows = new ArrayList<>();
    private double copyBandwidth = Double.NaN;
    private boolean tensorFloat32 = Boolean.getBoolean(CudaKernels.TF32_PROPERTY);

    private CudaKernelTimings(CudaKernels kernels, int repeats) {
        this.kernels = kernels;
        this.driver = kernels.driver();
        this.repeats = repeats;
    }

    public static void main(String[] args) throws IOException {
        int mib = DEFAULT_MIB;
        int repeats = DEFAULT_REPEATS;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!CudaAvailability.get().available()) {
            System.out.println(CudaAvailability.get().describe());
            System.exit(3);
        }
        CudaKernelTimings timings = new CudaKernelTimings(CudaKernels.instance(), repeats);
        timings.run((long) mib << 20);
        if (out != null) {
            Files.write(out, timings.rows);
        }
    }

    /** A timed body: queues work on the stream. */
    @FunctionalInterface
    private interface Work {
        void run();
    }

    private void run(long bytes) {
        long n = bytes / Float.BYTES;
        System.out.printf(Locale.ROOT, "%s, %d SMs; %d MiB float32 buffers (n = %d), median of %d runs%n",
                driver.deviceName(), driver.multiprocessors(), bytes >> 20, n, repeats);
        header();
        MemorySegment x = deviceRandom(n, 1);
        MemorySegment y = deviceRandom(n, 2);
        MemorySegment z = deviceRandom(n, 3);
        MemorySegment w = deviceRandom(n, 4);
        MemorySegment q = kernels.memory().allocate(n);
        MemorySegment small = kernels.memory().allocate(Math.max(n / 8, 4096) * Float.BYTES);
        var memory = kernels.memory();

        copyBandwidth = bandwidth("device copy (ceiling)", 2 * bytes, () -> memory.copy(x, y, bytes));
        bandwidth("add", 3 * bytes, () -> kernels.elementwise().add(n, x, y, z));
        bandwidth("scale", 2 * bytes, () -> kernels.elementwise().scale(n, 0.5f, x, z));
        bandwidth("axpy", 3 * bytes, () -> kernels.elementwise().axpy(n, 0.5f, x, z));
        bandwidth("gelu forward", 2 * bytes, () -> kernels.activations().geluForward(n, x, z));
        bandwidth("gelu backward", 3 * bytes, () -> kernels.activations().geluBackward(n, x, y, z));
        bandwidth("dropout p=0.1", 2 * bytes, () -> kernels.dropout().forward(n, 0.1f, 42, 0, x, z));
        bandwidth("encode int8", bytes + n, () -> kernels.codecs().encodeInt8(n, 4, x, q));
        bandwidth("decode int8", n + bytes, () -> kernels.codecs().decodeInt8(n, 4, q, z));
        bandwidth("encode uint8", bytes + n, () -> kernels.codecs().encodeUint8(n, x, q));
        bandwidth("encode int4", bytes + n / 2, () -> kernels.codecs().encodeInt4(n, 1, x, q));
        bandwidth("decode int4", n / 2 + bytes, () -> kernels.codecs().decodeInt4(n, 1, q, z));
        int rows = (int) (n / BERT_HIDDEN);
        long matrix = (long) rows * BERT_HIDDEN * Float.BYTES;
        int k = BERT_HIDDEN / 10;
        bandwidth("top-10% of 768 (encode)", matrix + 2L * rows * k * Float.BYTES,
                () -> kernels.codecs().encodeTopK(rows, BERT_HIDDEN, k, x, small, q));
        // rows of BERT's feed-forward width: longer than the kernel holds in registers
        int wideRows = (int) (n / BERT_INTERMEDIATE);
        int wideK = BERT_INTERMEDIATE / 10;
        bandwidth("top-10% of 3072 (encode)", (long) wideRows * BERT_INTERMEDIATE * Float.BYTES
                + 2L * wideRows * wideK * Float.BYTES,
                () -> kernels.codecs().encodeTopK(wideRows, BERT_INTERMEDIATE, wideK, x, small, q));
        bandwidth("layernorm forward 768", 2 * matrix,
                () -> kernels.layerNorm().forward(rows, BERT_HIDDEN, 1e-12f, x, w, w, z, null, null));
        bandwidth("layernorm backward 768", 3 * matrix,
                () -> kernels.layerNorm().backward(rows, BERT_HIDDEN, x, small, small, w, y, z, null, null));
        int softmaxRows = (int) (n / BERT_SEQUENCE);
        bandwidth("softmax forward 128", 2 * bytes,
                () -> kernels.softmax().forward(softmaxRows, BERT_SEQUENCE, 0.125f, x, null, 1, z));
        bandwidth("softmax backward 128", 3 * bytes,
                () -> kernels.softmax().backward(softmaxRows, BERT_SEQUENCE, 0.125f, x, y, z));
        bandwidth("sum", bytes, () -> kernels.reductions().sum(n, x, small));
        bandwidth("column sums 768", matrix, () -> kernels.reductions().sumFirstDim(rows, BERT_HIDDEN, x, small));
        long quarter = n / 4;
        AdamWParams params = new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
        bandwidth("adamw (n/4)", 7 * quarter * Float.BYTES, () -> kernels.optimizers().adamw(quarter, x, y, z, w,
                params, ChangeMetric.NONE));
        bandwidth("adamw + metric (n/4)", 7 * quarter * Float.BYTES, () -> kernels.optimizers().adamw(quarter, x, y,
                z, w, params, ChangeMetric.GUARDED));
        long side = (long) Math.sqrt((double) n);
        bandwidth("transpose (copyStrided)", 2 * side * side * Float.BYTES, () -> kernels.elementwise()
                .copyStrided(new long[] {side, side}, new long[] {1, side}, x, z, Float.BYTES));
        gemm(4096, 4096, 4096, false, false, x, y, z);
        gemm(BERT_SEQUENCE * 32, 3072, BERT_HIDDEN, false, true, x, y, z); // FFN up of a batch of 32×128
        gemm(BERT_SEQUENCE * 32, BERT_HIDDEN, 3072, false, true, x, y, z); // FFN down
        setTensorFloat32(!tensorFloat32);
        gemm(4096, 4096, 4096, false, false, x, y, z);
        setTensorFloat32(!tensorFloat32);
        hostCopies(bytes, x);
        for (MemorySegment buffer : new MemorySegment[] {x, y, z, w, q, small}) {
            memory.free(buffer);
        }
    }

    private void header() {
        String line = String.format(Locale.ROOT, "%-28s %12s %10s %12s %8s", "kernel", "MiB moved", "ms", "GB/s",
                "% copy");
        System.out.println(line);
        rows.add("kernel\tbytes\tmilliseconds\tGB/s\tpercent_of_copy\tGFLOP/s");
    }

    private double bandwidth(String name, long bytesMoved, Work work) {
        double millis = medianMillis(work);
        double gbps = bytesMoved / millis / 1e6;
        double percent = 100 * gbps / copyBandwidth;
        System.out.printf(Locale.ROOT, "%-28s %12.1f %10.3f %12.1f %8s%n", name, bytesMoved / 1048576.0, millis, gbps,
                Double.isNaN(percent) ? "ceiling" : String.format(Locale.ROOT, "%.0f%%", percent));
        rows.add(String.join("\t", name, Long.toString(bytesMoved), fmt(millis), fmt(gbps), fmt(percent), ""));
        return gbps;
    }

    private void gemm(int m, int n, int k, boolean transA, boolean transB, MemorySegment a, MemorySegment b,
                      MemorySegment c) {
        double millis = medianMillis(() -> kernels.gemm().gemm(transA, transB, m, n, k, 1f, a, transA ? m : k, b,
                transB ? k : n, 0f, c, n));
        double gflops = 2.0 * m * n * k / millis / 1e6;
        String name = String.format(Locale.ROOT, "sgemm %dx%dx%d%s", m, n, k, tf32Suffix());
        System.out.printf(Locale.ROOT, "%-28s %12s %10.3f %12s %8s  %.0f GFLOP/s%n", name, "", millis, "", "", gflops);
        rows.add(String.join("\t", name, "", fmt(millis), "", "", fmt(gflops)));
    }

    private String tf32Suffix() {
        return tensorFloat32 ? " tf32" : " fp32";
    }

    private void setTensorFloat32(boolean enabled) {
        tensorFloat32 = enabled;
        kernels.tensorFloat32(enabled);
    }

    private void hostCopies(long bytes, MemorySegment device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 64);
            host.fill((byte) 1);
            double toDevice = medianWallMillis(() -> kernels.memory().copyFromHost(host, device, bytes));
            double toHost = medianWallMillis(() -> kernels.memory().copyToHost(device, host, bytes));
            for (String[] row : new String[][] {{"host to device (staged)", fmt(toDevice)},
                {"device to host (staged)", fmt(toHost)}}) {
                double millis = Double.parseDouble(row[1]);
                System.out.printf(Locale.ROOT, "%-28s %12.1f %10.3f %12.1f%n", row[0], bytes / 1048576.0, millis,
                        bytes / millis / 1e6);
                rows.add(String.join("\t", row[0], Long.toString(bytes), row[1], fmt(bytes / millis / 1e6), "", ""));
            }
        }
    }

    private double medianMillis(Work work) {
        for (int i = 0; i < WARMUP; i++) {
            work.run();
        }
        double[] millis = new double[repeats];
        try (CudaEvent start = driver.createEvent(); CudaEvent end = driver.createEvent()) {
            for (int i = 0; i < repeats; i++) {
                start.record();
                work.run();
                end.record();
                end.synchronize();
                millis[i] = end.millisecondsSince(start);
            }
        }
        Arrays.sort(millis);
        return millis[repeats / 2];
    }

    /** Host copies are synchronous from the host's side: wall time after a device synchronize. */
    private double medianWallMillis(Work work) {
        int runs = Math.max(5, repeats / 10);
        double[] millis = new double[runs];
        work.run();
        for (int i = 0; i < runs; i++) {
            kernels.memory().synchronize();
            long start = System.nanoTime();
            work.run();
            kernels.memory().synchronize();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[runs / 2];
    }

    /** A device buffer of n uniform floats in [−2, 2) (data-dependent kernels: top-k, dropout, GELU's tails). */
    private MemorySegment deviceRandom(long n, long seed) {
        MemorySegment device = kernels.memory().allocate(n * Float.BYTES);
        SplittableRandom random = new SplittableRandom(seed);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(n * Float.BYTES, 64);
            for (long i = 0; i < n; i++) {
                host.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (4 * random.nextDouble() - 2));
            }
            kernels.memory().copyFromHost(host, device, n * Float.BYTES);
            kernels.memory().synchronize();
        }
        return device;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
