package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The block sizes of {@link CpuGemm}, in the usual GotoBLAS/BLIS scheme: C is computed in MR×NR register tiles; a
 * KC-deep sliver of packed B (KC×NR) is reused from L1 by every register tile of an MC-row block of packed A
 * (MC×KC, kept in L2); a panel of packed B (KB×NC) is reused by every MC block of A.
 *
 * <p>Tuned with JMH on a 2-core AMD Zen 3 guest (AVX2: 16 ymm registers, 8 float lanes, 32 KiB L1d and 512 KiB L2 per
 * core, 32 MiB shared L3).
 */
final class GemmBlocking {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    static final int LANES = SPECIES.length();

    /**
     * Rows of the register tile. With two vectors per row, 4 rows keep 8 accumulators, 2 B vectors and 4 broadcast
     * A values live: 14 of the 16 AVX2 registers. C2 issues all broadcasts of an iteration up front, so 5 or 6 rows
     * (the textbook 6×16 tile) spill an accumulator to the stack and run at half speed.
     */
    static final int MR = 4;

    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * LANES;

    /** Bytes of one packed B sliver (KC×NR floats) meant to stay in L1 while the A block streams past it. */
    private static final int B_SLIVER_BYTES = 16 * 1024;

    /** Depth of a packed block: 256 with 8 lanes (16 KiB B sliver), 128 with 16 lanes. */
    static final int KC = B_SLIVER_BYTES / (NR * Float.BYTES);

    /**
     * Rows of a packed A block (64×256 floats = 64 KiB) and of the block of C it updates: with {@link #NC} columns that
     * C block is 256 KiB, so it stays in the 512 KiB L2 while every KC step of the depth adds to it. Small blocks also
     * give the threads enough pieces to balance.
     */
    static final int MC = 64;

    /** Columns of a packed B panel. */
    static final int NC = 1024;

    /**
     * Depth of a packed B panel (KB×NC floats = 4 MiB, shared by the threads, in L3): the depth is covered in KC steps
     * inside it, so C is read back from memory only once per KB.
     */
    static final int KB = 4 * KC;

    static {
        if (MC % MR != 0 || NC % NR != 0 || KC % LANES != 0 || KB % KC != 0) {
            throw new AssertionError("GEMM blocks must be whole register tiles: MC=" + MC + " NC=" + NC + " KC=" + KC
                    + " KB=" + KB);
        }
    }

    private GemmBlocking() {
    }
}
