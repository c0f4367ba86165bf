package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU kernels whose results once depended on the JIT (cross-lane sums, exp, tanh) give the same bits interpreted
 * as compiled: a child JVM run with {@code -Xint} (the Vector API's Java fallback, no intrinsics) must print the same
 * fingerprint of their outputs as this JVM after warming them up. Without this, two runs of one training command
 * differed from the first step on, and a run resumed in a new JVM could not reproduce the uninterrupted one.
 */
class JitConsistencyTest {

    private static final int ROWS = 37;
    private static final int COLS = 300;
    private static final long LONG_N = 150_001;
    private static final int WARM_UP_CALLS = 300;

    /** Runs the kernels on fixed random inputs and hashes every output bit. */
    static long fingerprint() {
        KernelProvider cpu = new CpuKernels(2);
        try (Arena arena = Arena.ofShared()) { // shared: the kernels' worker threads read it
            SplittableRandom random = new SplittableRandom(12345);
            int n = ROWS * COLS;
            MemorySegment x = randomFloats(arena, n, random, 3);
            MemorySegment dy = randomFloats(arena, n, random, 1);
            MemorySegment gamma = randomFloats(arena, COLS, random, 1);
            MemorySegment y = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment dx = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment dgamma = arena.allocate((long) COLS * Float.BYTES, 64);
            MemorySegment mean = arena.allocate((long) ROWS * Float.BYTES, 64);
            MemorySegment rstd = arena.allocate((long) ROWS * Float.BYTES, 64);
            MemorySegment scalar = arena.allocate(Float.BYTES * 2L, 64);
            MemorySegment targets = arena.allocate((long) ROWS * Integer.BYTES, 64);
            for (int r = 0; r < ROWS; r++) {
                targets.setAtIndex(ValueLayout.JAVA_INT, r, random.nextInt(COLS));
            }
            List<Long> bits = new ArrayList<>();
            cpu.softmax().forward(ROWS, COLS, 0.7f, x, null, 1, y);
            collect(y, n, bits);
            cpu.softmax().backward(ROWS, COLS, 0.7f, y, dy, dx);
            collect(dx, n, bits);
            cpu.layerNorm().forward(ROWS, COLS, 1e-12f, x, gamma, null, y, mean, rstd);
            collect(y, n, bits);
            cpu.layerNorm().backward(ROWS, COLS, x, mean, rstd, gamma, dy, dx, dgamma, null);
            collect(dx, n, bits);
            collect(dgamma, COLS, bits);
            cpu.losses().crossEntropyForward(ROWS, COLS, x, targets, -100, scalar);
            collect(scalar, 1, bits);
            cpu.losses().crossEntropyBackward(ROWS, COLS, x, targets, -100, 1f, dx);
            collect(dx, n, bits);
            cpu.activations().tanhForward(n, x, y);
            collect(y, n, bits);
            MemorySegment longX = randomFloats(arena, LONG_N, random, 1);
            cpu.reductions().sum(LONG_N, longX, scalar);
            collect(scalar, 1, bits);
            return bits.hashCode() * 31L + bits.stream().mapToLong(Long::longValue).sum();
        }
    }

    private static MemorySegment randomFloats(Arena arena, long n, SplittableRandom random, double scale) {
        MemorySegment segment = arena.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextGaussian() * scale));
        }
        return segment;
    }

    private static void collect(MemorySegment segment, long n, List<Long> bits) {
        long h = 0;
        for (long i = 0; i < n; i++) {
            h = h * 1_000_003L + Float.floatToRawIntBits(segment.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        bits.add(h);
    }

    /** Entry point of the interpreted child JVM. */
    public static void main(String[] args) {
        System.out.println("FINGERPRINT " + fingerprint());
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        long first = fingerprint();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            assertEquals(first, fingerprint(), "fingerprint changed after " + i + " warm-up calls");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                JitConsistencyTest.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "interpreted run did not finish");
        assertEquals(0, child.exitValue(), output);
        String line = output.lines().filter(l -> l.startsWith("FINGERPRINT ")).findFirst().orElseThrow(
                () -> new AssertionError("no fingerprint from the interpreted run: " + output));
        assertEquals(first, Long.parseLong(line.substring("FINGERPRINT ".length())),
                "interpreted (-Xint) and JIT-compiled kernels differ");
    }
}
