package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.slimfit.kernels.cpu.GemmBlocking.KB;
import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NC;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * The loops of the blocked algorithm around {@link GemmMicroKernel}, for one product. For each panel of B (KB deep,
 * NC wide) the threads first pack the panel together into one shared buffer, then take MC-row blocks of C from a
 * shared counter, each block carried through the whole panel depth while it sits in L2. Handing out blocks
 * dynamically rather than in equal halves keeps both cores busy when one of them is slowed by something else.
 * Matrices are addressed by the element index of their (0, 0) element ({@code origin}) and their leading dimension.
 */
final class GemmLoops {

    /** Fewest B slivers worth handing to another thread for packing. */
    private static final int MIN_SLIVERS_PER_THREAD = 4;

    private GemmLoops() {
    }

    /** C = alpha·op(A)·op(B) + beta·C for m, n, k ≥ 1, on the threads of {@code parallel}. */
    static void multiply(Parallel parallel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOrigin, int lda, MemorySegment b, long bOrigin, int ldb,
                         float beta, MemorySegment c, long cOrigin, int ldc) {
        int rowBlocks = GemmPacking.ceilDiv(m, MC);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panelWidth = GemmPacking.ceilDiv(nc, NR) * NR;
            for (int pb = 0; pb < k; pb += KB) {
                int kb = Math.min(KB, k - pb);
                float[] panel = GemmWorkspace.current().packedB(panelWidth * kb);
                int slivers = panelWidth / NR;
                int panelColumn = jc;
                int panelDepth = pb;
                parallel.forRange(slivers, MIN_SLIVERS_PER_THREAD, (first, end) -> packPanel(transB, b, bOrigin, ldb,
                        panelColumn, nc, panelDepth, kb, (int) first, (int) end, panel));
                AtomicInteger nextRowBlock = new AtomicInteger();
                parallel.forRange(Math.min(parallel.threads(), rowBlocks), 1, (first, end) -> {
                    GemmWorkspace workspace = GemmWorkspace.current();
                    for (int block = nextRowBlock.getAndIncrement(); block < rowBlocks;
                         block = nextRowBlock.getAndIncrement()) {
                        int ic = block * MC;
                        multiplyRowBlock(transA, ic, Math.min(MC, m - ic), panelColumn, nc, panelDepth, kb, k, alpha,
                                a, aOrigin, lda, panel, beta, c, cOrigin, ldc, workspace);
                    }
                });
            }
        }
    }

    /** Packs slivers [first, end) of the panel: every KC step of its depth, one after another. */
    private static void packPanel(boolean transB, MemorySegment b, long bOrigin, int ldb, int jc, int nc, int pb,
                                  int kb, int first, int end, float[] panel) {
        int panelWidth = GemmPacking.ceilDiv(nc, NR) * NR;
        int column = first * NR;
        int columns = Math.min(nc, end * NR) - column;
        for (int pc = pb; pc < pb + kb; pc += KC) {
            int kc = Math.min(KC, pb + kb - pc);
            long bBlock = transB ? bOrigin + (long) (jc + column) * ldb + pc : bOrigin + (long) pc * ldb + jc + column;
            GemmPacking.packB(b, bBlock, ldb, transB, kc, columns, panel, (pc - pb) * panelWidth + column * kc);
        }
    }

    /** One MC-row block of C against the whole panel depth; the block's first step applies beta. */
    private static void multiplyRowBlock(boolean transA, int ic, int mc, int jc, int nc, int pb, int kb, int k,
                                         float alpha, MemorySegment a, long aOrigin, int lda, float[] panel,
                                         float beta, MemorySegment c, long cOrigin, int ldc,
                                         GemmWorkspace workspace) {
        int panelWidth = GemmPacking.ceilDiv(nc, NR) * NR;
        long cBlock = cOrigin + (long) ic * ldc + jc;
        for (int pc = pb; pc < pb + kb; pc += KC) {
            int kc = Math.min(KC, k - pc);
            long aBlock = transA ? aOrigin + (long) pc * lda + ic : aOrigin + (long) ic * lda + pc;
            GemmPacking.packA(a, aBlock, lda, transA, mc, kc, alpha, workspace.packedA);
            // the first step of the whole depth applies the caller's beta; later ones add to it
            float blockBeta = pc == 0 ? beta : 1f;
            multiplyBlock(workspace.packedA, transA, mc, panel, (pc - pb) * panelWidth, nc, kc, workspace.tile,
                    c, cBlock, ldc, blockBeta);
        }
    }

    /** All register tiles of one packed A block against one packed B panel. */
    private static void multiplyBlock(float[] packedA, boolean aInterleaved, int mc, float[] packedB, int bBlock,
                                      int nc, int kc, float[] tile, MemorySegment c, long cBlock, int ldc,
                                      float beta) {
        // jr outside ir: one B sliver stays in L1 while the whole A block streams past it from L2
        long ldcBytes = (long) ldc * Float.BYTES;
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                long cTile = cBlock + (long) ir * ldc + jr;
                int aSliver = ir * KC;
                int bSliver = bBlock + jr * kc;
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
