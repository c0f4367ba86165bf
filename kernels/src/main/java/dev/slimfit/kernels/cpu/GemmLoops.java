package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NC;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * One product (or one thread's share of it) on the calling thread: the five loops of the blocked algorithm around
 * {@link GemmMicroKernel}. Matrices are addressed by the element index of their (0, 0) element ({@code origin}) and
 * their leading dimension, so a thread's share is just a product with shifted origins.
 */
final class GemmLoops {

    private GemmLoops() {
    }

    /** C = alpha·op(A)·op(B) + beta·C for m, n, k ≥ 1. */
    static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOrigin, int lda, MemorySegment b, long bOrigin, int ldb,
                         float beta, MemorySegment c, long cOrigin, int ldc, GemmWorkspace workspace) {
        float[] packedA = workspace.packedA;
        float[] tile = workspace.tile;
        float[] packedB = workspace.packedB(GemmPacking.packedBSize(Math.min(KC, k), Math.min(NC, n)));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                long bBlock = transB ? bOrigin + (long) jc * ldb + pc : bOrigin + (long) pc * ldb + jc;
                GemmPacking.packB(b, bBlock, ldb, transB, kc, nc, packedB);
                // the first block of the depth applies the caller's beta; later ones add to it
                float blockBeta = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    long aBlock = transA ? aOrigin + (long) pc * lda + ic : aOrigin + (long) ic * lda + pc;
                    GemmPacking.packA(a, aBlock, lda, transA, mc, kc, alpha, packedA);
                    long cBlock = cOrigin + (long) ic * ldc + jc;
                    multiplyBlock(packedA, transA, mc, packedB, nc, kc, tile, c, cBlock, ldc, blockBeta);
                }
            }
        }
    }

    /** All register tiles of one packed A block against one packed B panel. */
    private static void multiplyBlock(float[] packedA, boolean aInterleaved, int mc, float[] packedB, int nc, int kc,
                                      float[] tile, MemorySegment c, long cBlock, int ldc, float beta) {
        // jr outside ir: one B sliver stays in L1 while the whole A block streams past it from L2
        long ldcBytes = (long) ldc * Float.BYTES;
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                long cTile = cBlock + (long) ir * ldc + jr;
                int aSliver = ir * KC;
                int bSliver = jr * kc;
                if (rows == MR && cols == NR) {
                    GemmMicroKernel.multiply(packedA, aSliver, aInterleaved, packedB, bSliver, kc,
                            c, cTile * Float.BYTES, ldcBytes, beta, null);
                } else {
                    // an edge tile is computed whole (the packed slivers are zero-padded) and merged in part
                    GemmMicroKernel.multiply(packedA, aSliver, aInterleaved, packedB, bSliver, kc, c, 0, 0, beta, tile);
                    GemmEdgeTile.merge(tile, c, cTile, ldc, rows, cols, beta);
                }
            }
        }
    }

    /** C = beta·C without reading C when beta is 0: the whole product when k = 0 or alpha = 0. */
    static void scale(int m, int n, float beta, MemorySegment c, long cOrigin, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            long row = cOrigin + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                float value = beta == 0f ? 0f : beta * c.getAtIndex(ValueLayout.JAVA_FLOAT, row + j);
                c.setAtIndex(ValueLayout.JAVA_FLOAT, row + j, value);
            }
        }
    }
}
