// Row softmax with scale, additive mask and rowsPerMaskRow, and its gradient: kernels' Softmax contract. One block per
// row; each pass re-reads the row (it stays in L1/L2), so y may alias x and dx may alias dy.
#pragma once
#include "common.cuh"

namespace slimfit {

__device__ __forceinline__ float masked_logit(const float* x_row, const float* mask_row, float scale, int64_t c) {
  float logit = scale * x_row[c];
  if (mask_row != nullptr) {
    logit += mask_row[c];
  }
  return logit;
}

}  // namespace slimfit

/** Grid: one block per row; block: a multiple of 32 threads. A row of only −∞ logits becomes zeros. */
extern "C" __global__ void slimfit_softmax_forward_f32(const float* x, const float* mask, int64_t rows_per_mask_row,
                                                       float scale, float* y, int64_t rows, int64_t cols) {
  __shared__ float max_scratch[slimfit::MAX_WARPS];
  __shared__ float sum_scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* x_row = x + r * cols;
    const float* mask_row = mask != nullptr ? mask + (r / rows_per_mask_row) * cols : nullptr;
    float* y_row = y + r * cols;
    float local_max = -INFINITY;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local_max = fmaxf(local_max, slimfit::masked_logit(x_row, mask_row, scale, c));
    }
    const float row_max = slimfit::block_max(local_max, max_scratch);
    if (row_max == -INFINITY) {
      for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
        y_row[c] = 0.0f;
      }
      continue;
    }
    float local_sum = 0.0f;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local_sum += expf(slimfit::masked_logit(x_row, mask_row, scale, c) - row_max);
    }
    const float inverse_sum = 1.0f / slimfit::block_sum(local_sum, sum_scratch);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      y_row[c] = expf(slimfit::masked_logit(x_row, mask_row, scale, c) - row_max) * inverse_sum;
    }
  }
}

/** dx = scale·y ⊙ (dy − Σ dy·y), the dot product in double (dy − dot cancels where dy ≈ dot). */
extern "C" __global__ void slimfit_softmax_backward_f32(const float* y, const float* dy, float scale, float* dx,
                                                        int64_t rows, int64_t cols) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* y_row = y + r * cols;
    const float* dy_row = dy + r * cols;
    float* dx_row = dx + r * cols;
    double local_dot = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local_dot += static_cast<double>(dy_row[c]) * y_row[c];
    }
    const double dot = slimfit::block_sum(local_dot, scratch);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double yc = y_row[c];
      dx_row[c] = static_cast<float>(scale * yc * (dy_row[c] - dot));
    }
  }
}
