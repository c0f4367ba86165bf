package dev.slimfit.kernels.cuda;

import static dev.slimfit.kernels.cuda.ArgumentType.FLOAT32;
import static dev.slimfit.kernels.cuda.ArgumentType.FLOAT64;
import static dev.slimfit.kernels.cuda.ArgumentType.INT32;
import static dev.slimfit.kernels.cuda.ArgumentType.INT64;
import static dev.slimfit.kernels.cuda.ArgumentType.POINTER;
import static dev.slimfit.kernels.cuda.ArgumentType.STRIDED_LAYOUT;

import java.util.List;

/**
 * Every kernel of the fatbin that the Java launchers call, with its parameter list: the one list both sides use.
 * {@code FatbinContentsTest} checks it against the {@code extern "C"} kernels of native/src (same names, nothing
 * missing, nothing extra) and, where the fatbin was built, against the PTX parameter lists of every image; and
 * {@link KernelArguments} checks every launch against it, so an argument of the wrong type or count fails in Java with
 * the kernel's name instead of corrupting a launch.
 */
public enum KernelFunction {
    ADD_F32("slimfit_add_f32", POINTER, POINTER, POINTER, INT64),
    MUL_F32("slimfit_mul_f32", POINTER, POINTER, POINTER, INT64),
    SCALE_F32("slimfit_scale_f32", FLOAT32, POINTER, POINTER, INT64),
    AXPY_F32("slimfit_axpy_f32", FLOAT32, POINTER, POINTER, INT64),
    FILL_F32("slimfit_fill_f32", FLOAT32, POINTER, INT64),
    BIAS_RESIDUAL_F32("slimfit_bias_residual_f32", POINTER, POINTER, POINTER, POINTER, INT64, INT64),
    SCALE_MATRICES_F32("slimfit_scale_matrices_f32", FLOAT32, POINTER, INT64, INT64, INT64, INT64, INT64),
    COPY_STRIDED_1("slimfit_copy_strided_1", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_TO_STRIDED_1("slimfit_copy_strided_to_strided_1", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_2("slimfit_copy_strided_2", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_TO_STRIDED_2("slimfit_copy_strided_to_strided_2", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_4("slimfit_copy_strided_4", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_TO_STRIDED_4("slimfit_copy_strided_to_strided_4", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_8("slimfit_copy_strided_8", STRIDED_LAYOUT, POINTER, POINTER),
    COPY_STRIDED_TO_STRIDED_8("slimfit_copy_strided_to_strided_8", STRIDED_LAYOUT, POINTER, POINTER),
    GELU_FORWARD_F32("slimfit_gelu_forward_f32", POINTER, POINTER, INT64),
    GELU_BACKWARD_F32("slimfit_gelu_backward_f32", POINTER, POINTER, POINTER, INT64),
    TANH_FORWARD_F32("slimfit_tanh_forward_f32", POINTER, POINTER, INT64),
    TANH_BACKWARD_F32("slimfit_tanh_backward_f32", POINTER, POINTER, POINTER, INT64),
    SOFTMAX_FORWARD_F32("slimfit_softmax_forward_f32", POINTER, POINTER, INT64, FLOAT32, POINTER, INT64, INT64),
    SOFTMAX_BACKWARD_F32("slimfit_softmax_backward_f32", POINTER, POINTER, FLOAT32, POINTER, INT64, INT64),
    SUM_PARTIALS_F32("slimfit_sum_partials_f32", POINTER, INT64, POINTER),
    MAX_PARTIALS_F32("slimfit_max_partials_f32", POINTER, INT64, POINTER),
    FINISH_SUM_F32("slimfit_finish_sum_f32", POINTER, INT64, FLOAT64, POINTER),
    FINISH_MAX_F32("slimfit_finish_max_f32", POINTER, INT64, POINTER),
    FINISH_PAIR_SUMS("slimfit_finish_pair_sums", POINTER, INT64, POINTER),
    ROW_SUM_F32("slimfit_row_sum_f32", POINTER, INT64, INT64, INT32, POINTER),
    ROW_MAX_F32("slimfit_row_max_f32", POINTER, INT64, INT64, POINTER),
    COLUMN_SUM_PARTIALS_F32("slimfit_column_sum_partials_f32", POINTER, INT64, INT64, INT64, POINTER),
    COLUMN_SUM_FINISH_F32("slimfit_column_sum_finish_f32", POINTER, INT64, INT64, POINTER),
    LAYERNORM_FORWARD_F32("slimfit_layernorm_forward_f32", POINTER, POINTER, POINTER, FLOAT32, POINTER, POINTER,
            POINTER, INT64, INT64),
    LAYERNORM_BACKWARD_ROWS_F32("slimfit_layernorm_backward_rows_f32", POINTER, POINTER, POINTER, POINTER, POINTER,
            POINTER, INT64, INT64),
    LAYERNORM_BACKWARD_COLUMNS_F32("slimfit_layernorm_backward_columns_f32", POINTER, POINTER, POINTER, POINTER,
            POINTER, INT64, INT64, INT64),
    LAYERNORM_BACKWARD_COLUMNS_FINISH_F32("slimfit_layernorm_backward_columns_finish_f32", POINTER, INT64, POINTER,
            POINTER, INT64),
    INDEX_CHECK_I32("slimfit_index_check_i32", POINTER, INT64, INT64, POINTER),
    EMBEDDING_GATHER_F32("slimfit_embedding_gather_f32", POINTER, POINTER, POINTER, INT64, INT64),
    RADIX_PREPARE_I32("slimfit_radix_prepare_i32", POINTER, INT64, POINTER, POINTER),
    RADIX_HISTOGRAM_I32("slimfit_radix_histogram_i32", POINTER, INT64, INT32, POINTER),
    EXCLUSIVE_SCAN_I32("slimfit_exclusive_scan_i32", POINTER, INT64),
    RADIX_SCATTER_I32("slimfit_radix_scatter_i32", POINTER, POINTER, INT64, INT32, POINTER, POINTER, POINTER),
    EMBEDDING_SEGMENT_ADD_F32("slimfit_embedding_segment_add_f32", POINTER, POINTER, INT64, POINTER, POINTER, INT64),
    DROPOUT_F32("slimfit_dropout_f32", POINTER, POINTER, INT64, FLOAT32, FLOAT64, INT64, INT64),
    CROSS_ENTROPY_CHECK("slimfit_cross_entropy_check", POINTER, INT64, INT64, INT32, POINTER, POINTER),
    CROSS_ENTROPY_ROWS("slimfit_cross_entropy_rows", POINTER, POINTER, INT64, INT64, INT32, POINTER),
    CROSS_ENTROPY_FINISH("slimfit_cross_entropy_finish", POINTER, INT64, POINTER, POINTER),
    CROSS_ENTROPY_BACKWARD("slimfit_cross_entropy_backward", POINTER, POINTER, INT64, INT64, INT32, FLOAT32, POINTER,
            POINTER),
    SQUARED_ERROR_PARTIALS_F32("slimfit_squared_error_partials_f32", POINTER, POINTER, INT64, POINTER),
    MSE_BACKWARD_F32("slimfit_mse_backward_f32", POINTER, POINTER, INT64, FLOAT32, POINTER),
    ADAMW_F32("slimfit_adamw_f32", POINTER, POINTER, POINTER, POINTER, INT64, FLOAT64, FLOAT64, FLOAT64, FLOAT64,
            FLOAT64, FLOAT64, FLOAT64, INT32, POINTER),
    ENCODE_FIXED8("slimfit_encode_fixed8", POINTER, POINTER, INT64, FLOAT32, FLOAT32, FLOAT32),
    DECODE_FIXED8("slimfit_decode_fixed8", POINTER, POINTER, INT64, FLOAT32, INT32),
    ENCODE_INT4("slimfit_encode_int4", POINTER, POINTER, INT64, FLOAT32),
    DECODE_INT4("slimfit_decode_int4", POINTER, POINTER, INT64, FLOAT32),
    ENCODE_TOP_K("slimfit_encode_top_k", POINTER, INT64, INT64, INT64, POINTER, POINTER),
    TOP_K_CHECK("slimfit_top_k_check", POINTER, INT64, INT64, POINTER),
    DECODE_TOP_K("slimfit_decode_top_k", POINTER, POINTER, INT64, INT64, INT64, POINTER),
    GEMM_POINTERS("slimfit_gemm_pointers", POINTER, INT64, INT64, POINTER, INT64, INT64, POINTER, INT64, INT64, POINTER,
            INT64, INT64);

    private final String symbol;
    private final List<ArgumentType> parameters;

    KernelFunction(String symbol, ArgumentType... parameters) {
        this.symbol = symbol;
        this.parameters = List.of(parameters);
    }

    /** The {@code extern "C"} name in the fatbin. */
    public String symbol() {
        return symbol;
    }

    /** The parameter types, in order. */
    public List<ArgumentType> parameters() {
        return parameters;
    }
}
