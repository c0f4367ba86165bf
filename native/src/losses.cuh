// Cross-entropy with an ignore index, and MSE: kernels' Losses contract. Targets are checked first
// (slimfit_cross_entropy_check counts the rows that count and records the first bad row); the Java side reads the check
// back and throws before any output is written. Log-sum-exp subtracts the row maximum and sums in double.
#pragma once
#include "common.cuh"

/** Per row: a target equal to ignore_index is skipped; outside [0, classes) is reported; the rest are counted. */
extern "C" __global__ void slimfit_cross_entropy_check(const int32_t* targets, int64_t rows, int64_t classes,
                                                       int32_t ignore_index, unsigned long long* first_bad,
                                                       int32_t* counted) {
  for (int64_t r = slimfit::global_thread_index(); r < rows; r += slimfit::grid_thread_count()) {
    const int32_t target = targets[r];
    if (target == ignore_index) {
      continue;
    }
    if (target < 0 || target >= classes) {
      slimfit::report_bad_position(first_bad, r);
    } else {
      atomicAdd(counted, 1);
    }
  }
}

namespace slimfit {

/** log Σ_c exp(logits[c]) of one row, by the whole block: max first, then the shifted exponentials summed in double. */
__device__ double row_log_sum_exp(const float* row, int64_t classes, float* max_scratch, double* sum_scratch) {
  float local_max = -INFINITY;
  for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) {
    local_max = fmaxf(local_max, row[c]);
  }
  const float max = block_max(local_max, max_scratch);
  double local_sum = 0.0;
  for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) {
    local_sum += expf(row[c] - max);
  }
  return max + log(block_sum(local_sum, sum_scratch));
}

}  // namespace slimfit

/** row_loss[r] = logsumexp(logits[r, :]) − logits[r, target], or 0 for an ignored row. Block per row. */
extern "C" __global__ void slimfit_cross_entropy_rows(const float* logits, const int32_t* targets, int64_t rows,
                                                      int64_t classes, int32_t ignore_index, double* row_loss) {
  __shared__ float max_scratch[slimfit::MAX_WARPS];
  __shared__ double sum_scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int32_t target = targets[r];
    if (target == ignore_index) {
      if (threadIdx.x == 0) {
        row_loss[r] = 0.0;
      }
      continue;
    }
    const float* row = logits + r * classes;
    const double lse = slimfit::row_log_sum_exp(row, classes, max_scratch, sum_scratch);
    if (threadIdx.x == 0) {
      row_loss[r] = lse - row[target];
    }
  }
}

/** loss_out[0] = Σ row_loss / counted, or 0 when no row counts (one block, fixed order). */
extern "C" __global__ void slimfit_cross_entropy_finish(const double* row_loss, int64_t rows, const int32_t* counted,
                                                        float* loss_out) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  double local = 0.0;
  for (int64_t r = threadIdx.x; r < rows; r += blockDim.x) {
    local += row_loss[r];
  }
  const double total = slimfit::block_sum(local, scratch);
  if (threadIdx.x == 0) {
    const int32_t n = *counted;
    loss_out[0] = n == 0 ? 0.0f : static_cast<float>(total / n);
  }
}

/** dLogits[r, :] = dLoss·(softmax − onehot(target)) / counted, zeros for ignored rows. Block per row. */
extern "C" __global__ void slimfit_cross_entropy_backward(const float* logits, const int32_t* targets, int64_t rows,
                                                          int64_t classes, int32_t ignore_index, float d_loss,
                                                          const int32_t* counted, float* d_logits) {
  __shared__ float max_scratch[slimfit::MAX_WARPS];
  __shared__ double sum_scratch[slimfit::MAX_WARPS];
  const double per_row = static_cast<double>(d_loss) / *counted;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int32_t target = targets[r];
    float* out = d_logits + r * classes;
    if (target == ignore_index) {
      for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) {
        out[c] = 0.0f;
      }
      continue;
    }
    const float* row = logits + r * classes;
    const double lse = slimfit::row_log_sum_exp(row, classes, max_scratch, sum_scratch);
    for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) {
      // in double: for a dominant target p ≈ 1, and a float p would leave p − 1 with a few significant bits
      const double probability = exp(static_cast<double>(row[c]) - lse);
      const double onehot = c == target ? 1.0 : 0.0;
      out[c] = static_cast<float>(per_row * (probability - onehot));
    }
  }
}

/** Per-block partial sums of (pred − target)² in double; finished by slimfit_finish_sum_f32. */
extern "C" __global__ void slimfit_squared_error_partials_f32(const float* pred, const float* target, int64_t n,
                                                              double* partials) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  double local = 0.0;
  for (int64_t i = slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    const double diff = static_cast<double>(pred[i]) - target[i];
    local += diff * diff;
  }
  const double sum = slimfit::block_sum(local, scratch);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = sum;
  }
}

/** dPred = dLoss·2·(pred − target)/n, in double and rounded once. */
extern "C" __global__ void slimfit_mse_backward_f32(const float* pred, const float* target, int64_t n, float d_loss,
                                                    float* d_pred) {
  for (int64_t i = slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    const double diff = static_cast<double>(pred[i]) - target[i];
    d_pred[i] = static_cast<float>(d_loss * 2.0 * diff / static_cast<double>(n));
  }
}
