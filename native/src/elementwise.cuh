// Elementwise float32 arithmetic, bias/residual adds, scaling of strided matrices (GEMM's beta·C when no product is
// needed) and strided copies: the CUDA side of kernels' Elementwise contract. Outputs may alias inputs.
#pragma once
#include "common.cuh"

namespace slimfit {

/** out[i] = op(a[i], b[i]) over a grid-stride loop, four at a time when every pointer is 16-byte aligned. */
template <typename Op>
__device__ void map_binary(const float* a, const float* b, float* out, int64_t n, Op op) {
  int64_t start = 0;
  if (aligned(a, 16) && aligned(b, 16) && aligned(out, 16)) {
    const int64_t quads = n / 4;
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    float4* out4 = reinterpret_cast<float4*>(out);
    for (int64_t i = global_thread_index(); i < quads; i += grid_thread_count()) {
      const float4 x = a4[i];
      const float4 y = b4[i];
      out4[i] = make_float4(op(x.x, y.x), op(x.y, y.y), op(x.z, y.z), op(x.w, y.w));
    }
    start = quads * 4;
  }
  for (int64_t i = start + global_thread_index(); i < n; i += grid_thread_count()) {
    out[i] = op(a[i], b[i]);
  }
}

/** out[i] = op(x[i]), vectorised like map_binary. */
template <typename Op>
__device__ void map_unary(const float* x, float* out, int64_t n, Op op) {
  int64_t start = 0;
  if (aligned(x, 16) && aligned(out, 16)) {
    const int64_t quads = n / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    float4* out4 = reinterpret_cast<float4*>(out);
    for (int64_t i = global_thread_index(); i < quads; i += grid_thread_count()) {
      const float4 v = x4[i];
      out4[i] = make_float4(op(v.x), op(v.y), op(v.z), op(v.w));
    }
    start = quads * 4;
  }
  for (int64_t i = start + global_thread_index(); i < n; i += grid_thread_count()) {
    out[i] = op(x[i]);
  }
}

/** The most dimensions a strided copy takes after the Java side has merged what it can (kernels' contract: 8). */
constexpr int MAX_COPY_RANK = 8;

/**
 * A strided view passed by value: {@code rank} dimensions of extent {@code shape[d]}, element strides of the source and
 * (for strided destinations) of the destination. 8-byte fields only, so the layout is the same on both sides: 200
 * bytes, which the Java side packs as 25 longs.
 */
struct StridedLayout {
  int64_t rank;
  int64_t shape[MAX_COPY_RANK];
  int64_t src_strides[MAX_COPY_RANK];
  int64_t dst_strides[MAX_COPY_RANK];
};

/**
 * One row of the innermost dimension per (block row, outer index): the outer index is decoded once into source and
 * destination offsets, then threads walk the innermost dimension. {@code contiguous_dst} writes rows back to back
 * (copyStrided) instead of following dst_strides (copyStridedToStrided).
 */
template <typename T, bool contiguous_dst>
__device__ void copy_strided(const StridedLayout& layout, const T* src, T* dst) {
  const int inner_dim = static_cast<int>(layout.rank) - 1;
  const int64_t inner = layout.shape[inner_dim];
  int64_t outer = 1;
  for (int d = 0; d < inner_dim; ++d) {
    outer *= layout.shape[d];
  }
  for (int64_t o = blockIdx.y; o < outer; o += gridDim.y) {
    int64_t rest = o;
    int64_t src_offset = 0;
    int64_t dst_offset = 0;
    for (int d = inner_dim - 1; d >= 0; --d) {
      const int64_t index = rest % layout.shape[d];
      rest /= layout.shape[d];
      src_offset += index * layout.src_strides[d];
      dst_offset += index * layout.dst_strides[d];
    }
    if (contiguous_dst) {
      dst_offset = o * inner;
    }
    const int64_t src_step = layout.src_strides[inner_dim];
    const int64_t dst_step = contiguous_dst ? 1 : layout.dst_strides[inner_dim];
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < inner;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
      dst[dst_offset + i * dst_step] = src[src_offset + i * src_step];
    }
  }
}

}  // namespace slimfit

extern "C" __global__ void slimfit_add_f32(const float* a, const float* b, float* out, int64_t n) {
  slimfit::map_binary(a, b, out, n, [](float x, float y) { return x + y; });
}

extern "C" __global__ void slimfit_mul_f32(const float* a, const float* b, float* out, int64_t n) {
  slimfit::map_binary(a, b, out, n, [](float x, float y) { return x * y; });
}

extern "C" __global__ void slimfit_scale_f32(float alpha, const float* x, float* out, int64_t n) {
  slimfit::map_unary(x, out, n, [alpha](float v) { return alpha * v; });
}

/** y += alpha·x with one rounding (fused multiply-add). */
extern "C" __global__ void slimfit_axpy_f32(float alpha, const float* x, float* y, int64_t n) {
  slimfit::map_binary(x, y, y, n, [alpha](float xv, float yv) { return fmaf(alpha, xv, yv); });
}

extern "C" __global__ void slimfit_fill_f32(float value, float* out, int64_t n) {
  slimfit::map_unary(out, out, n, [value](float) { return value; });
}

/**
 * out[r, c] = x[r, c] + bias[c] (+ residual[r, c] when residual is not null); bias may be null. Grid: x over column
 * blocks, y over rows (grid-stride).
 */
extern "C" __global__ void slimfit_bias_residual_f32(const float* x, const float* bias, const float* residual,
                                                     float* out, int64_t rows, int64_t cols) {
  const int64_t c = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) {
    return;
  }
  const float b = bias != nullptr ? bias[c] : 0.0f;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const int64_t i = r * cols + c;
    float value = x[i] + b;
    if (residual != nullptr) {
      value += residual[i];
    }
    out[i] = value;
  }
}

/**
 * C ← beta·C for {@code batch} rows×cols matrices with row stride {@code ld}, {@code stride} elements apart: GEMM's
 * result when alpha or k is 0. beta = 0 writes zeros without reading C (NaN in C does not survive), as BLAS does.
 * Grid: x over column blocks, y over (matrix, row) pairs (grid-stride).
 */
extern "C" __global__ void slimfit_scale_matrices_f32(float beta, float* c, int64_t rows, int64_t cols, int64_t ld,
                                                      int64_t batch, int64_t stride) {
  const int64_t col = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (col >= cols) {
    return;
  }
  for (int64_t row = blockIdx.y; row < rows * batch; row += gridDim.y) {
    const int64_t matrix = row / rows;
    float* element = c + matrix * stride + (row - matrix * rows) * ld + col;
    *element = beta == 0.0f ? 0.0f : beta * *element;
  }
}

// One gather (contiguous destination) and one strided-to-strided kernel per element size; bytes are copied as
// they are, whatever they encode.
extern "C" __global__ void slimfit_copy_strided_1(slimfit::StridedLayout layout, const uint8_t* src, uint8_t* dst) {
  slimfit::copy_strided<uint8_t, true>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_to_strided_1(slimfit::StridedLayout layout, const uint8_t* src,
                                                          uint8_t* dst) {
  slimfit::copy_strided<uint8_t, false>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_2(slimfit::StridedLayout layout, const uint16_t* src, uint16_t* dst) {
  slimfit::copy_strided<uint16_t, true>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_to_strided_2(slimfit::StridedLayout layout, const uint16_t* src,
                                                          uint16_t* dst) {
  slimfit::copy_strided<uint16_t, false>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_4(slimfit::StridedLayout layout, const uint32_t* src, uint32_t* dst) {
  slimfit::copy_strided<uint32_t, true>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_to_strided_4(slimfit::StridedLayout layout, const uint32_t* src,
                                                          uint32_t* dst) {
  slimfit::copy_strided<uint32_t, false>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_8(slimfit::StridedLayout layout, const uint64_t* src, uint64_t* dst) {
  slimfit::copy_strided<uint64_t, true>(layout, src, dst);
}

extern "C" __global__ void slimfit_copy_strided_to_strided_8(slimfit::StridedLayout layout, const uint64_t* src,
                                                          uint64_t* dst) {
  slimfit::copy_strided<uint64_t, false>(layout, src, dst);
}
