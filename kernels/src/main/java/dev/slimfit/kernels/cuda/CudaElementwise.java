package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Elementwise;

import java.lang.foreign.MemorySegment;

/** {@link Elementwise} on the GPU: vectorised streaming kernels, bias/residual rows, and strided copies up to rank 8. */
final class CudaElementwise implements Elementwise {

    private final CudaExecution execution;

    CudaElementwise(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        binary(KernelFunction.ADD_F32, n, a, b, out);
    }

    @Override
    public void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        binary(KernelFunction.MUL_F32, n, a, b, out);
    }

    @Override
    public void scale(long n, float alpha, MemorySegment x, MemorySegment out) {
        if (n > 0) {
            execution.kernel(KernelFunction.SCALE_F32, execution.streaming(n)).float32(alpha).pointer(x).pointer(out)
                    .int64(n).launch();
        }
    }

    @Override
    public void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        if (n > 0) {
            execution.kernel(KernelFunction.AXPY_F32, execution.streaming(n)).float32(alpha).pointer(x).pointer(y)
                    .int64(n).launch();
        }
    }

    @Override
    public void fill(long n, float value, MemorySegment out) {
        if (n > 0) {
            execution.kernel(KernelFunction.FILL_F32, execution.streaming(n)).float32(value).pointer(out).int64(n)
                    .launch();
        }
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out) {
        biasResidual(rows, cols, x, bias, null, out);
    }

    @Override
    public void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual,
                             MemorySegment out) {
        if (rows > 0 && cols > 0) {
            execution.kernel(KernelFunction.BIAS_RESIDUAL_F32, LaunchShape.columnsByRows(cols, rows)).pointer(x)
                    .pointer(bias).pointer(residual).pointer(out).int64(rows).int64(cols).launch();
        }
    }

    @Override
    public void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes) {
        String kernel = "CudaElementwise.copyStrided";
        checkView(kernel, shape, srcStrides, "source", elementBytes);
        launchCopy(StridedLayout.simplify(kernel, shape, srcStrides, null), src, dst, elementBytes, true);
    }

    @Override
    public void copyStridedToStrided(long[] shape, long[] srcStrides, MemorySegment src, long[] dstStrides,
                                     MemorySegment dst, int elementBytes) {
        String kernel = "CudaElementwise.copyStridedToStrided";
        checkView(kernel, shape, srcStrides, "source", elementBytes);
        checkView(kernel, shape, dstStrides, "destination", elementBytes);
        launchCopy(StridedLayout.simplify(kernel, shape, srcStrides, dstStrides), src, dst, elementBytes, false);
    }

    private void binary(KernelFunction function, long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        if (n > 0) {
            execution.kernel(function, execution.streaming(n)).pointer(a).pointer(b).pointer(out).int64(n).launch();
        }
    }

    private void launchCopy(StridedLayout layout, MemorySegment src, MemorySegment dst, int elementBytes,
                            boolean contiguousDestination) {
        if (layout == null) {
            return; // an empty dimension: nothing to copy
        }
        long inner = layout.innerExtent();
        long outer = layout.elements() / inner;
        execution.kernel(copyKernel(elementBytes, contiguousDestination), LaunchShape.columnsByRows(inner, outer))
                .layout(layout).pointer(src).pointer(dst).launch();
    }

    private static KernelFunction copyKernel(int elementBytes, boolean contiguousDestination) {
        return switch (elementBytes) {
            case 1 -> contiguousDestination ? KernelFunction.COPY_STRIDED_1 : KernelFunction.COPY_STRIDED_TO_STRIDED_1;
            case 2 -> contiguousDestination ? KernelFunction.COPY_STRIDED_2 : KernelFunction.COPY_STRIDED_TO_STRIDED_2;
            case 4 -> contiguousDestination ? KernelFunction.COPY_STRIDED_4 : KernelFunction.COPY_STRIDED_TO_STRIDED_4;
            case 8 -> contiguousDestination ? KernelFunction.COPY_STRIDED_8 : KernelFunction.COPY_STRIDED_TO_STRIDED_8;
            default -> throw new IllegalArgumentException("element size " + elementBytes);
        };
    }

    private static void checkView(String kernel, long[] shape, long[] strides, String side, int elementBytes) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException(kernel + ": " + shape.length + " dimensions but " + strides.length + " "
                    + side + " strides");
        }
        if (elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException(kernel + ": element size must be 1, 2, 4 or 8 bytes, got "
                    + elementBytes);
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || strides[d] < 0) {
                throw new IllegalArgumentException(kernel + ": dimension " + d + " has extent " + shape[d] + " and "
                        + side + " stride " + strides[d] + "; both must be >= 0");
            }
        }
    }
}
