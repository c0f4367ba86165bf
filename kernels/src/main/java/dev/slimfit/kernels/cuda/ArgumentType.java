package dev.slimfit.kernels.cuda;

/**
 * The C type of one kernel parameter as the launcher packs it: its size in the argument buffer and the PTX parameter
 * type nvcc declares for it (which the tests compare with the fatbin's PTX).
 */
public enum ArgumentType {
    /** A device pointer ({@code const float*}, {@code int32_t*}, ...); may be null where the kernel allows it. */
    POINTER(8, "u64"),
    /** {@code int64_t} or {@code uint64_t}. */
    INT64(8, "u64"),
    /** {@code int32_t}. */
    INT32(4, "u32"),
    FLOAT32(4, "f32"),
    FLOAT64(8, "f64"),
    /** {@code slimfit::StridedLayout} by value: rank, shape[8], src_strides[8], dst_strides[8], all int64_t. */
    STRIDED_LAYOUT(StridedLayout.BYTES, "b8[" + StridedLayout.BYTES + "]");

    private final int bytes;
    private final String ptxType;

    ArgumentType(int bytes, String ptxType) {
        this.bytes = bytes;
        this.ptxType = ptxType;
    }

    /** Bytes of the value in the argument buffer. */
    public int bytes() {
        return bytes;
    }

    /** The parameter type in PTX ({@code .param .u64 name}, or {@code .param .align 8 .b8 name[200]} for a struct). */
    public String ptxType() {
        return ptxType;
    }
}
