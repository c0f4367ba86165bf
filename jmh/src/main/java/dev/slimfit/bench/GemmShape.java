package dev.slimfit.bench;

/**
 * One GEMM benchmark shape, densely stored (leading dimensions are the stored row lengths), named
 * {@code role_TRANSPOSES_MxNxK} with {@code _bBATCH} for strided batches, e.g. {@code fwd_NT_4096x768x768}.
 */
record GemmShape(boolean transA, boolean transB, int m, int n, int k, int batch) {

    static GemmShape parse(String name) {
        String[] parts = name.split("_");
        if (parts.length < 3 || parts[1].length() != 2) {
            throw new IllegalArgumentException("shape '" + name + "' is not role_TT_MxNxK[_bBATCH]");
        }
        String[] dims = parts[2].split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("shape '" + name + "': '" + parts[2] + "' is not MxNxK");
        }
        int batch = parts.length > 3 ? Integer.parseInt(parts[3].substring(1)) : 1;
        return new GemmShape(parts[1].charAt(0) == 'T', parts[1].charAt(1) == 'T',
                Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]), batch);
    }

    int lda() {
        return transA ? m : k;
    }

    int ldb() {
        return transB ? k : n;
    }

    int ldc() {
        return n;
    }

    long strideA() {
        return (long) m * k;
    }

    long strideB() {
        return (long) k * n;
    }

    long strideC() {
        return (long) m * n;
    }

    double flops() {
        return 2.0 * m * n * k * batch;
    }
}
