// Row softmax with scale, additive mask and rowsPerMaskRow, and its gradient: kernels' Softmax contract. One warp per
// row; each pass re-reads the row (it stays in L1), so y may alias x and dx may alias dy.
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

/**
 * One warp per row (blocks of ROW_WARPS warps, grid-stride). A row of only −∞ logits becomes zeros. Three reads of the
 * row (max, sum of exponentials, output), the last two from L1.
 */
extern "C" __global__ void slimfit_softmax_forward_f32(const float* x, const float* mask, int64_t rows_per_mask_row,
                                                       float scale, float* y, int64_t rows, int64_t cols) {
  const bool quads = slimfit::rows_in_quads(cols, x, y);
  for (int64_t r = slimfit::warp_row(); r < rows; r += slimfit::warp_row_stride()) {
    const float* x_row = x + r * cols;
    const float* mask_row = mask != nullptr ? mask + (r / rows_per_mask_row) * cols : nullptr;
    float* y_row = y + r * cols;
    const auto logit = [&](int64_t c, float value) {
      return mask_row != nullptr ? scale * value + mask_row[c] : scale * value;
    };
    float local_max = -INFINITY;
    slimfit::for_each_lane_column(x_row, cols, quads,
                                  [&](int64_t c, float value) { local_max = fmaxf(local_max, logit(c, value)); });
    const float row_max = slimfit::warp_max(local_max);
    if (row_max == -INFINITY) {
      slimfit::map_lane_columns(x_row, y_row, cols, quads, [](int64_t, float) { return 0.0f; });
      continue;
    }
    float local_sum = 0.0f;
    slimfit::for_each_lane_column(x_row, cols, quads,
                                  [&](int64_t c, float value) { local_sum += expf(logit(c, value) - row_max); });
    const float inverse_sum = 1.0f / slimfit::warp_sum(local_sum);
    slimfit::map_lane_columns(x_row, y_row, cols, quads,
                              [&](int64_t c, float value) { return expf(logit(c, value) - row_max) * inverse_sum; });
  }
}

/**
 * dx = scale·y ⊙ (dy − Σ dy·y), the dot product in double (dy − dot cancels where dy ≈ dot). One warp per row, as the
 * forward.
 */
extern "C" __global__ void slimfit_softmax_backward_f32(const float* y, const float* dy, float scale, float* dx,
                                                        int64_t rows, int64_t cols) {
  const bool quads = slimfit::rows_in_quads(cols, y, dy, dx);
  for (int64_t r = slimfit::warp_row(); r < rows; r += slimfit::warp_row_stride()) {
    const float* y_row = y + r * cols;
    const float* dy_row = dy + r * cols;
    double local_dot = 0.0;
    slimfit::for_each_lane_column(dy_row, cols, quads,
                                  [&](int64_t c, float d) { local_dot += static_cast<double>(d) * y_row[c]; });
    const double dot = slimfit::warp_sum(local_dot);
    slimfit::map_lane_columns(dy_row, dx + r * cols, cols, quads, [&](int64_t c, float d) {
      return static_cast<float>(scale * static_cast<double>(y_row[c]) * (d - dot));
    });
  }
}
