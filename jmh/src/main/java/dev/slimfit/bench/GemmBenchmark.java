package dev.slimfit.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * SGEMM on the shapes of BERT-base training with 4096 tokens (batch × sequence), ours (CpuKernels) and OpenBLAS side
 * by side at 1 and 2 threads. Linear weights are stored [out, in] as in PyTorch, so the forward is Y = X·Wᵀ (NT),
 * the input gradient dX = dY·W (NN) and the weight gradient dW = dYᵀ·X (TN); attention runs 384 = 32 sequences × 12
 * heads products of 128 tokens × 64 head dims as a strided batch. The {@code flops} counter gives FLOP/s;
 * {@code scripts/bench-report.sh} turns a CSV result into GFLOP/s tables with the ours/OpenBLAS ratio.
 *
 * <p>Shape names are parsed by {@link GemmShape}, which documents them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class GemmBenchmark {

    @Param({
            "fwd_NT_4096x768x768", "fwd_NT_4096x3072x768", "fwd_NT_4096x768x3072",
            "dX_NN_4096x768x768", "dX_NN_4096x768x3072", "dX_NN_4096x3072x768",
            "dW_TN_768x768x4096", "dW_TN_3072x768x4096", "dW_TN_768x3072x4096",
            "attnQK_NT_128x128x64_b384", "attnPV_NN_128x64x128_b384"})
    public String shape;

    /** {@code slimfit}: our CPU kernels; {@code openblas}: cblas_sgemm. */
    @Param({"slimfit", "openblas"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private GemmShape gemmShape;
    private GemmOperands operands;
    private Runnable call;

    @Setup(Level.Trial)
    public void setUp() {
        gemmShape = GemmShape.parse(shape);
        operands = new GemmOperands(gemmShape);
        call = operands.call(impl, threads);
        call.run();
        operands.verifySomeEntries(impl + " " + shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        operands.close();
    }

    @Benchmark
    public void gemm(WorkCounters counters) {
        call.run();
        counters.flops += gemmShape.flops();
    }
}
