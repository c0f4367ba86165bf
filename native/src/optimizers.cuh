// Fused AdamW with the relative-change metric of the update (kernels' Optimizers contract): one pass over w, g, m, v;
// the per-block partial sums of |Δw/w| and of the counted elements are finished by slimfit_finish_pair_sums, so the
// metric needs no copy of the weights. The arithmetic follows the reference term by term in double, each state rounded
// to float once when stored.
#pragma once
#include "common.cuh"

namespace slimfit {

/** ChangeMetric ordinals of the Java enum. */
constexpr int32_t CHANGE_METRIC_NONE = 0;
constexpr int32_t CHANGE_METRIC_GUARDED = 1;
constexpr int32_t CHANGE_METRIC_UNGUARDED = 2;

}  // namespace slimfit

/**
 * step_size = lr / (1 − β1^t) and sqrt_bias_correction2 = √(1 − β2^t) come from the caller (computed once, in double,
 * as the reference does). partials (2·gridDim.x doubles: sums, then counts) may be null when metric is NONE.
 */
extern "C" __global__ void slimfit_adamw_f32(float* w, const float* g, float* m, float* v, int64_t n, double lr,
                                             double beta1, double beta2, double eps, double weight_decay,
                                             double step_size, double sqrt_bias_correction2, int32_t metric,
                                             double* partials) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  double change_sum = 0.0;
  double change_count = 0.0;
  for (int64_t i = slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    const float before = w[i];
    const double gi = g[i];
    const double decayed = before - lr * weight_decay * before;
    const double mi = beta1 * m[i] + (1.0 - beta1) * gi;
    const double vi = beta2 * v[i] + (1.0 - beta2) * gi * gi;
    const double denominator = sqrt(vi) / sqrt_bias_correction2 + eps;
    const float after = static_cast<float>(decayed - step_size * mi / denominator);
    w[i] = after;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const bool counted = metric == slimfit::CHANGE_METRIC_UNGUARDED
                         || (metric == slimfit::CHANGE_METRIC_GUARDED && before != 0.0f);
    if (counted) {
      change_sum += fabs((static_cast<double>(before) - after) / before);
      change_count += 1.0;
    }
  }
  if (metric == slimfit::CHANGE_METRIC_NONE) {
    return;  // uniform across the grid: no block reaches the barriers below
  }
  const double sum = slimfit::block_sum(change_sum, scratch);
  const double count = slimfit::block_sum(change_count, scratch);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = sum;
    partials[gridDim.x + blockIdx.x] = count;
  }
}
