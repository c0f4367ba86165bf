package dev.slimfit.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work done per benchmark invocation, reported by JMH as secondary rates next to the primary score: a benchmark
 * adds its floating-point operations to {@link #flops} and the bytes it must move to {@link #bytes} on every call,
 * and JMH prints them per second ({@code flops} → FLOP/s, {@code bytes} → B/s). Use in Throughput mode.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WorkCounters {

    /** Floating-point operations (a fused multiply-add counts as two). */
    public double flops;

    /** Bytes that must cross the memory interface at least once (reads + writes of the operands). */
    public double bytes;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
        bytes = 0;
    }
}
