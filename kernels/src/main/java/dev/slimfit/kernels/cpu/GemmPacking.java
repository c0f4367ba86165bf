package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.LANES;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * Copies blocks of op(A) and op(B) into the contiguous layouts {@link GemmMicroKernel} reads, absorbing the
 * transposes, the leading dimensions and alpha on the way, and padding partial slivers with zeros so that the
 * micro-kernel never needs a bounds test.
 *
 * <p>A block (rows × depth of op(A)): sliver {@code s} holds rows {@code s·MR … s·MR+MR-1} from {@code packed[s·MR·KC]}
 * on, in one of two layouts chosen so that packing is always a contiguous copy: for a plain A (rows contiguous in
 * memory) row {@code r} at {@code r·KC + p}; for a transposed A (columns contiguous) interleaved, element (r, p) at
 * {@code p·MR + r}. B (depth × cols of op(B)): sliver {@code t} holds columns {@code t·NR … t·NR+NR-1}
 * as {@code packed[destination + t·NR·depth + p·NR + j]}; a transposed B needs a real transpose here.
 *
 * <p>Element positions are given as an {@code origin} (the element index of op(X)(0, 0) of the block in the segment)
 * and the leading dimension, so a block of a transposed operand is addressed the same way as a plain one.
 */
final class GemmPacking {

    private static final VectorSpecies<Float> SPECIES = GemmBlocking.SPECIES;
    /** One depth step of an interleaved A sliver: MR = 4 floats (GemmMicroKernel checks MR). */
    private static final VectorSpecies<Float> SLIVER_SPECIES = FloatVector.SPECIES_128;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private GemmPacking() {
    }

    /** Floats a packed A block of {@code rows} rows occupies. */
    static int packedASize(int rows) {
        return ceilDiv(rows, MR) * MR * KC;
    }

    /** Packs rows × depth of op(A) scaled by alpha; depth must not exceed {@link GemmBlocking#KC}. */
    static void packA(MemorySegment a, long origin, int lda, boolean transA, int rows, int depth, float alpha,
                      float[] packed) {
        for (int sliverRow = 0; sliverRow < rows; sliverRow += MR) {
            int sliver = sliverRow * KC;
            if (transA) {
                packTransposedSliverA(a, origin + sliverRow, lda, Math.min(MR, rows - sliverRow), depth, alpha,
                        packed, sliver);
            } else {
                for (int r = 0; r < MR; r++) {
                    int row = sliverRow + r;
                    int destination = sliver + r * KC;
                    if (row < rows) {
                        copyScaled(a, origin + (long) row * lda, depth, alpha, packed, destination);
                    } else {
                        Arrays.fill(packed, destination, destination + depth, 0f);
                    }
                }
            }
        }
    }

    /**
     * Stored A is k×m: element (r, p) of the sliver is at origin + p·lda + r, so each depth step is MR contiguous
     * floats, copied as they are into the interleaved sliver layout.
     */
    private static void packTransposedSliverA(MemorySegment a, long origin, int lda, int rows, int depth, float alpha,
                                              float[] packed, int sliver) {
        if (rows == MR) {
            for (int p = 0; p < depth; p++) {
                FloatVector.fromMemorySegment(SLIVER_SPECIES, a, (origin + (long) p * lda) * Float.BYTES, ORDER)
                        .mul(alpha).intoArray(packed, sliver + p * MR);
            }
        } else {
            for (int p = 0; p < depth; p++) {
                long source = origin + (long) p * lda;
                for (int r = 0; r < MR; r++) {
                    packed[sliver + p * MR + r] = r < rows ? alpha * a.getAtIndex(FLOAT, source + r) : 0f;
                }
            }
        }
    }

    /** Copies {@code count} contiguous floats from the segment into {@code packed}, multiplied by alpha. */
    private static void copyScaled(MemorySegment source, long origin, int count, float alpha, float[] packed,
                                   int destination) {
        int p = 0;
        int vectorEnd = count - count % LANES;
        long byteOffset = origin * Float.BYTES;
        if (alpha == 1f) {
            for (; p < vectorEnd; p += LANES) {
                FloatVector.fromMemorySegment(SPECIES, source, byteOffset + (long) p * Float.BYTES, ORDER)
                        .intoArray(packed, destination + p);
            }
        } else {
            for (; p < vectorEnd; p += LANES) {
                FloatVector.fromMemorySegment(SPECIES, source, byteOffset + (long) p * Float.BYTES, ORDER)
                        .mul(alpha).intoArray(packed, destination + p);
            }
        }
        for (; p < count; p++) {
            packed[destination + p] = alpha * source.getAtIndex(FLOAT, origin + p);
        }
    }

    /** Packs depth × cols of op(B), slivers one after another from {@code packed[destination]}. */
    static void packB(MemorySegment b, long origin, int ldb, boolean transB, int depth, int cols, float[] packed,
                      int destination) {
        for (int sliverColumn = 0; sliverColumn < cols; sliverColumn += NR) {
            int sliver = destination + sliverColumn * depth;
            int width = Math.min(NR, cols - sliverColumn);
            if (transB) {
                packTransposedSliverB(b, origin + (long) sliverColumn * ldb, ldb, depth, width, packed, sliver);
            } else if (width == NR) {
                packFullSliverB(b, origin + sliverColumn, ldb, depth, packed, sliver);
            } else {
                packPartialSliverB(b, origin + sliverColumn, ldb, depth, width, packed, sliver);
            }
        }
    }

    /** Stored B is k×n: each p is NR contiguous floats, two vector copies. */
    private static void packFullSliverB(MemorySegment b, long origin, int ldb, int depth, float[] packed, int sliver) {
        for (int p = 0; p < depth; p++) {
            long byteOffset = (origin + (long) p * ldb) * Float.BYTES;
            int destination = sliver + p * NR;
            FloatVector.fromMemorySegment(SPECIES, b, byteOffset, ORDER).intoArray(packed, destination);
            FloatVector.fromMemorySegment(SPECIES, b, byteOffset + (long) LANES * Float.BYTES, ORDER)
                    .intoArray(packed, destination + LANES);
        }
    }

    private static void packPartialSliverB(MemorySegment b, long origin, int ldb, int depth, int width,
                                           float[] packed, int sliver) {
        for (int p = 0; p < depth; p++) {
            long source = origin + (long) p * ldb;
            int destination = sliver + p * NR;
            for (int j = 0; j < NR; j++) {
                packed[destination + j] = j < width ? b.getAtIndex(FLOAT, source + j) : 0f;
            }
        }
    }

    /**
     * Stored B is n×k: column j of op(B) is a contiguous row of the segment, so the sliver is a transpose, done in 8×8
     * register blocks where possible and element by element for partial slivers and the depth remainder.
     */
    private static void packTransposedSliverB(MemorySegment b, long origin, int ldb, int depth, int width,
                                              float[] packed, int sliver) {
        int blockedDepth = 0;
        if (width == NR && GemmTranspose.SUPPORTED) {
            blockedDepth = depth - depth % GemmTranspose.SIZE;
            long rowBytes = (long) ldb * Float.BYTES;
            for (int j = 0; j < NR; j += GemmTranspose.SIZE) {
                long rows = (origin + (long) j * ldb) * Float.BYTES;
                for (int p = 0; p < blockedDepth; p += GemmTranspose.SIZE) {
                    GemmTranspose.transpose(b, rows + (long) p * Float.BYTES, rowBytes, packed, sliver + p * NR + j,
                            NR);
                }
            }
        }
        for (int j = 0; j < NR; j++) {
            long source = origin + (long) j * ldb;
            for (int p = blockedDepth; p < depth; p++) {
                packed[sliver + p * NR + j] = j < width ? b.getAtIndex(FLOAT, source + p) : 0f;
            }
        }
    }

    static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }
}
