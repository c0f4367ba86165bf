package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU strided gather behind {@code Tensor.contiguous()}. The view is first simplified: size-1 dimensions are
 * dropped and neighbours that step through the source as one dimension would are merged (a contiguous tensor
 * becomes a single run, a head split {@code [b,s,h,d] → [b,h,s,d]} keeps d-long runs). Then one of three loops runs:
 *
 * <ul>
 *   <li><b>runs</b>: the innermost source stride is 1 (or 0), so every destination row is one block copy (or one
 *       repeated element);</li>
 *   <li><b>transpose</b>: another dimension has source stride 1; the loop walks bands of destination rows one cache
 *       line of source wide, so each source line is read once and the band's rows are written sequentially;</li>
 *   <li><b>gather</b>: anything else, element by element along the innermost dimension.</li>
 * </ul>
 * Destination rows (or bands) are split over the threads.
 */
final class StridedCopy {

    private static final String KERNEL = "CpuElementwise.copyStrided";
    private static final int CACHE_LINE_BYTES = 64;
    /** Bytes a thread is handed at least before a copy is split (same bar as the float kernels). */
    private static final long MIN_BYTES_PER_THREAD = VectorLoops.MIN_ELEMENTS_PER_THREAD * Float.BYTES;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private StridedCopy() {
    }

    /** A view after simplification: {@code rank} dimensions, none of extent 0 or 1 (rank 0 is one element). */
    private record View(long[] shape, long[] strides, int rank, long elements) {

        long inner() {
            return shape[rank - 1];
        }

        long innerStride() {
            return strides[rank - 1];
        }

        /** The index over every dimension but the last of destination row {@code row} (row-major). */
        long[] rowIndex(long row) {
            long[] index = new long[rank];
            for (int d = rank - 2; d >= 0; d--) {
                index[d] = row % shape[d];
                row /= shape[d];
            }
            return index;
        }

        long sourceOffset(long[] index) {
            long offset = 0;
            for (int d = 0; d < rank - 1; d++) {
                offset += index[d] * strides[d];
            }
            return offset;
        }

        /** Moves {@code index} to the next row like an odometer; returns the source offset's change. */
        long nextRow(long[] index) {
            long delta = 0;
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    return delta + strides[d];
                }
                index[d] = 0;
                delta -= (shape[d] - 1) * strides[d];
            }
            return delta;
        }
    }

    static void copy(Parallel parallel, long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst,
                     int elementBytes) {
        check(shape, srcStrides, elementBytes);
        View view = simplify(shape, srcStrides);
        if (view == null) {
            return; // an empty dimension: nothing to copy
        }
        if (view.rank() == 0) {
            MemorySegment.copy(src, 0, dst, 0, elementBytes);
            return;
        }
        if (view.rank() == 1 && view.innerStride() == 1) {
            contiguous(parallel, view.elements() * elementBytes, src, dst);
            return;
        }
        int unitDimension = unitStrideDimension(view);
        if (view.innerStride() > 1 && unitDimension >= 0) {
            transpose(parallel, view, unitDimension, src, dst, elementBytes);
        } else {
            rows(parallel, view, src, dst, elementBytes);
        }
    }

    private static void check(long[] shape, long[] srcStrides, int elementBytes) {
        if (shape.length != srcStrides.length) {
            throw new IllegalArgumentException(KERNEL + ": " + shape.length + " dimensions but " + srcStrides.length
                    + " strides");
        }
        if (elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException(KERNEL + ": element size must be 1, 2, 4 or 8 bytes, got "
                    + elementBytes);
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || srcStrides[d] < 0) {
                throw new IllegalArgumentException(KERNEL + ": dimension " + d + " has extent " + shape[d]
                        + " and stride " + srcStrides[d] + "; both must be >= 0");
            }
        }
    }

    /** Drops size-1 dimensions and merges dimension d into d−1 when stride[d−1] = shape[d]·stride[d]; null if empty. */
    private static View simplify(long[] shape, long[] strides) {
        long[] keptShape = new long[shape.length];
        long[] keptStrides = new long[shape.length];
        int rank = 0;
        long elements = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return null;
            }
            elements *= shape[d];
            if (shape[d] == 1) {
                continue;
            }
            if (rank > 0 && keptStrides[rank - 1] == shape[d] * strides[d]) {
                keptShape[rank - 1] *= shape[d];
                keptStrides[rank - 1] = strides[d];
            } else {
                keptShape[rank] = shape[d];
                keptStrides[rank] = strides[d];
                rank++;
            }
        }
        return new View(keptShape, keptStrides, rank, elements);
    }

    private static int unitStrideDimension(View view) {
        for (int d = view.rank() - 2; d >= 0; d--) {
            if (view.strides()[d] == 1) {
                return d;
            }
        }
        return -1;
    }

    private static void contiguous(Parallel parallel, long bytes, MemorySegment src, MemorySegment dst) {
        parallel.forRange(bytes, MIN_BYTES_PER_THREAD, (start, end) ->
                MemorySegment.copy(src, start, dst, start, end - start));
    }

    /** One destination row per step: a block copy, a repeated element, or an element-wise gather. */
    private static void rows(Parallel parallel, View view, MemorySegment src, MemorySegment dst, int elementBytes) {
        long inner = view.inner();
        long innerStride = view.innerStride();
        long rowBytes = inner * elementBytes;
        long rows = view.elements() / inner;
        parallel.forRange(rows, Math.max(1, MIN_BYTES_PER_THREAD / rowBytes), (firstRow, endRow) -> {
            long[] index = view.rowIndex(firstRow); // decoded once, then advanced row by row
            long srcElement = view.sourceOffset(index);
            for (long row = firstRow; row < endRow; row++, srcElement += view.nextRow(index)) {
                long srcByte = srcElement * elementBytes;
                long dstByte = row * rowBytes;
                if (innerStride == 1) {
                    MemorySegment.copy(src, srcByte, dst, dstByte, rowBytes);
                } else {
                    gatherRun(src, srcByte, innerStride * elementBytes, dst, dstByte, inner, elementBytes);
                }
            }
        });
    }

    /** {@code count} elements from {@code srcByte} every {@code srcStep} bytes (0 repeats one) into a run of dst. */
    private static void gatherRun(MemorySegment src, long srcByte, long srcStep, MemorySegment dst, long dstByte,
                                  long count, int elementBytes) {
        switch (elementBytes) {
            case 1 -> {
                for (long k = 0; k < count; k++) {
                    dst.set(BYTE, dstByte + k, src.get(BYTE, srcByte + k * srcStep));
                }
            }
            case 2 -> {
                for (long k = 0; k < count; k++) {
                    dst.set(SHORT, dstByte + 2 * k, src.get(SHORT, srcByte + k * srcStep));
                }
            }
            case 4 -> {
                for (long k = 0; k < count; k++) {
                    dst.set(INT, dstByte + 4 * k, src.get(INT, srcByte + k * srcStep));
                }
            }
            default -> {
                for (long k = 0; k < count; k++) {
                    dst.set(LONG, dstByte + 8 * k, src.get(LONG, srcByte + k * srcStep));
                }
            }
        }
    }

    /**
     * A view whose dimension {@code unit} (not the last) has source stride 1, e.g. a 2-D transpose. Destination rows
     * are taken in bands of one cache line's worth of elements along {@code unit}; for each position j along the last
     * dimension the band reads one contiguous source line and writes one element into each of its rows, so both sides
     * stream. Other dimensions are enumerated outside the band.
     */
    private static void transpose(Parallel parallel, View view, int unit, MemorySegment src, MemorySegment dst,
                                  int elementBytes) {
        int rank = view.rank();
        long[] shape = view.shape();
        long[] strides = view.strides();
        long[] dstStrides = new long[rank]; // row-major strides of the destination
        dstStrides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) {
            dstStrides[d] = dstStrides[d + 1] * shape[d + 1];
        }
        long inner = view.inner();
        long unitExtent = shape[unit];
        int band = CACHE_LINE_BYTES / elementBytes;
        long bandsPerBatch = (unitExtent + band - 1) / band;
        long batches = view.elements() / (unitExtent * inner);
        long bandBytes = (long) band * inner * elementBytes;
        parallel.forRange(batches * bandsPerBatch, Math.max(1, MIN_BYTES_PER_THREAD / bandBytes), (first, end) -> {
            for (long task = first; task < end; task++) {
                long bandStart = task % bandsPerBatch * band;
                long srcElement = bandStart; // the unit dimension has source stride 1
                long dstElement = bandStart * dstStrides[unit];
                // the batch index runs over every dimension except 'unit' and the last, innermost first
                long rest = task / bandsPerBatch;
                for (int d = rank - 2; d >= 0; d--) {
                    if (d != unit) {
                        long index = rest % shape[d];
                        srcElement += index * strides[d];
                        dstElement += index * dstStrides[d];
                        rest /= shape[d];
                    }
                }
                band(src, srcElement * elementBytes, view.innerStride() * elementBytes, dst,
                        dstElement * elementBytes, dstStrides[unit] * elementBytes,
                        Math.min(band, unitExtent - bandStart), inner, elementBytes);
            }
        });
    }

    /**
     * Copies a {@code rows × cols} block whose rows are contiguous in the source ({@code srcRowStep}=element size)
     * and whose columns step {@code srcColStep} bytes, into destination rows {@code dstRowStep} bytes apart.
     */
    private static void band(MemorySegment src, long srcByte, long srcColStep, MemorySegment dst, long dstByte,
                             long dstRowStep, long rows, long cols, int elementBytes) {
        switch (elementBytes) {
            case 1 -> {
                for (long j = 0; j < cols; j++) {
                    for (long r = 0; r < rows; r++) {
                        dst.set(BYTE, dstByte + r * dstRowStep + j, src.get(BYTE, srcByte + j * srcColStep + r));
                    }
                }
            }
            case 2 -> {
                for (long j = 0; j < cols; j++) {
                    for (long r = 0; r < rows; r++) {
                        dst.set(SHORT, dstByte + r * dstRowStep + 2 * j,
                                src.get(SHORT, srcByte + j * srcColStep + 2 * r));
                    }
                }
            }
            case 4 -> {
                int bandRows = (int) rows;
                for (long j = 0; j < cols; j++) {
                    long srcLine = srcByte + j * srcColStep;
                    long dstColumn = dstByte + 4 * j;
                    for (int r = 0; r < bandRows; r++) {
                        dst.set(INT, dstColumn + r * dstRowStep, src.get(INT, srcLine + 4L * r));
                    }
                }
            }
            default -> {
                for (long j = 0; j < cols; j++) {
                    for (long r = 0; r < rows; r++) {
                        dst.set(LONG, dstByte + r * dstRowStep + 8 * j,
                                src.get(LONG, srcByte + j * srcColStep + 8 * r));
                    }
                }
            }
        }
    }
}
