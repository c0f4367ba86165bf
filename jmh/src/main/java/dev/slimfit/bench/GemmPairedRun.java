package dev.slimfit.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Arrays;

/**
 * Ours against OpenBLAS on {@link GemmBenchmark}'s shapes, in one JVM, alternating: every round times a sample of
 * each (in turns, which one goes first) and takes their ratio, so that drift of a shared machine (another guest,
 * clock changes) falls on both sides of one ratio instead of on one side of two separate JMH runs. Prints a Markdown
 * table with each side's median GFLOP/s and the median and range of the per-round ratios.
 *
 * <p>Arguments: {@code [rounds] [threads,...] [shape,...]}; defaults: 9 rounds, threads 1,2, every shape of
 * {@link GemmBenchmark}. Run with {@code scripts/bench-gemm-paired.sh}.
 */
public final class GemmPairedRun {

    private static final int DEFAULT_ROUNDS = 9;

    /** Calls before timing, so that both sides run compiled code and OpenBLAS's threads are up. */
    private static final double WARM_UP_SECONDS = 2.0;

    /** Least time of one timed sample: several calls for the small shapes, one or two for the large. */
    private static final double SAMPLE_SECONDS = 0.3;

    private GemmPairedRun() {
    }

    private static final String USAGE = "arguments: [rounds ≥ 1] [threads,...] [shape,...], e.g. 9 1,2 fwd_NT_4096x768x768";

    public static void main(String[] args) throws NoSuchFieldException {
        int rounds;
        int[] threadCounts;
        try {
            rounds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ROUNDS;
            threadCounts = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                    : new int[] {1, 2};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(USAGE + " (" + e.getMessage() + ")", e);
        }
        String[] shapes = args.length > 2 ? args[2].split(",")
                : GemmBenchmark.class.getField("shape").getAnnotation(Param.class).value();
        if (rounds < 1 || Arrays.stream(threadCounts).anyMatch(threads -> threads < 1)) {
            throw new IllegalArgumentException(USAGE + " (got rounds " + rounds + ", threads "
                    + Arrays.toString(threadCounts) + ")");
        }
        System.out.println("OpenBLAS: " + OpenBlasGemm.describe());
        System.out.printf("%d rounds per row, samples of ≥ %.1f s, after %.1f s of warm-up per side%n%n", rounds,
                SAMPLE_SECONDS, WARM_UP_SECONDS);
        System.out.println("| shape | threads | slimfit GFLOP/s | openblas GFLOP/s | slimfit / openblas (median) "
                + "| ratio range |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String name : shapes) {
            GemmShape shape = GemmShape.parse(name);
            try (GemmOperands operands = new GemmOperands(shape)) {
                for (int threads : threadCounts) {
                    System.out.println(row(name, shape, operands, threads, rounds));
                }
            }
        }
    }

    private static String row(String name, GemmShape shape, GemmOperands operands, int threads, int rounds) {
        Runnable ours = operands.call("slimfit", threads);
        Runnable theirs = operands.call("openblas", threads);
        ours.run();
        operands.verifySomeEntries("slimfit " + name);
        theirs.run();
        operands.verifySomeEntries("openblas " + name);
        sample(ours, shape, WARM_UP_SECONDS);
        sample(theirs, shape, WARM_UP_SECONDS);
        double[] ourRates = new double[rounds];
        double[] theirRates = new double[rounds];
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                ourRates[round] = sample(ours, shape, SAMPLE_SECONDS);
                theirRates[round] = sample(theirs, shape, SAMPLE_SECONDS);
            } else {
                theirRates[round] = sample(theirs, shape, SAMPLE_SECONDS);
                ourRates[round] = sample(ours, shape, SAMPLE_SECONDS);
            }
            ratios[round] = ourRates[round] / theirRates[round];
        }
        return String.format("| %s | %d | %.1f | %.1f | %.2f | %.2f–%.2f |", name, threads, median(ourRates),
                median(theirRates), median(ratios), Arrays.stream(ratios).min().orElseThrow(),
                Arrays.stream(ratios).max().orElseThrow());
    }

    /** GFLOP/s of as many calls as fill {@code seconds} (at least one). */
    private static double sample(Runnable call, GemmShape shape, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int calls = 0;
        long now;
        do {
            call.run();
            calls++;
            now = System.nanoTime();
        } while (now < deadline);
        return shape.flops() * calls / (now - start);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
