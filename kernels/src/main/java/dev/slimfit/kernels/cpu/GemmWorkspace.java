package dev.slimfit.kernels.cpu;

import static dev.slimfit.kernels.cpu.GemmBlocking.MC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * One thread's packing scratch, kept for the thread's lifetime so that no GEMM call allocates on the hot path: its
 * packed A block and edge tile, and the B panel of the products it starts (which the helper threads read). Heap
 * arrays rather than off-heap segments, because C2 removes every bounds check of the micro-kernel's array loads; the
 * B panel grows on demand, so a thread that only multiplies small matrices keeps a small one.
 */
final class GemmWorkspace {

    private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

    final float[] packedA = new float[GemmPacking.packedASize(MC)];
    final float[] tile = new float[MR * NR];
    private float[] packedB = new float[0];

    private GemmWorkspace() {
    }

    static GemmWorkspace current() {
        return PER_THREAD.get();
    }

    /** A B panel buffer of at least {@code floats} floats. */
    float[] packedB(int floats) {
        if (packedB.length < floats) {
            packedB = new float[floats];
        }
        return packedB;
    }
}
