// LayerNorm over the last dimension: forward (with optional beta, mean and rstd), the row part of backward (dx) from
// x or from x̂, and the column part (dgamma, dbeta) as a deterministic two-stage column reduction. Statistics and
// gradient sums accumulate in double as the reference does: a constant row then has exactly its value as mean and
// variance 0, which matters with BERT's eps = 1e-12.
#pragma once
#include "common.cuh"
#include "reductions.cuh"

/** Grid: one block per row (grid-stride). mean, rstd and beta may be null. */
extern "C" __global__ void slimfit_layernorm_forward_f32(const float* x, const float* gamma, const float* beta,
                                                         float eps, float* y, float* mean, float* rstd, int64_t rows,
                                                         int64_t cols) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* x_row = x + r * cols;
    double local = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local += x_row[c];
    }
    const double sum = slimfit::block_sum(local, scratch);
    const double row_mean = cols == 0 ? 0.0 : sum / cols;
    local = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double centred = x_row[c] - row_mean;
      local += centred * centred;
    }
    const double squares = slimfit::block_sum(local, scratch);
    const double variance = cols == 0 ? 0.0 : squares / cols;
    const double row_rstd = 1.0 / sqrt(variance + static_cast<double>(eps));
    float* y_row = y + r * cols;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double normalized = (x_row[c] - row_mean) * row_rstd;
      const double shift = beta != nullptr ? beta[c] : 0.0;
      y_row[c] = static_cast<float>(normalized * gamma[c] + shift);
    }
    if (threadIdx.x == 0) {
      if (mean != nullptr) {
        mean[r] = static_cast<float>(row_mean);
      }
      if (rstd != nullptr) {
        rstd[r] = static_cast<float>(row_rstd);
      }
    }
  }
}

namespace slimfit {

/** x̂ of one element: from the input and the saved statistics, or read from a saved x̂ (then x is x̂, mean null). */
__device__ __forceinline__ double normalized_value(const float* x, const float* mean, const float* rstd, int64_t r,
                                                   int64_t i) {
  return mean != nullptr ? (x[i] - static_cast<double>(mean[r])) * rstd[r] : static_cast<double>(x[i]);
}

}  // namespace slimfit

/**
 * dx = rstd·(g − mean_c(g) − x̂·mean_c(g⊙x̂)), g = dy⊙gamma. With mean not null, x is the input and x̂ is computed
 * from mean and rstd; with mean null, x holds x̂ itself. Grid: one block per row (grid-stride).
 */
extern "C" __global__ void slimfit_layernorm_backward_rows_f32(const float* x, const float* mean, const float* rstd,
                                                               const float* gamma, const float* dy, float* dx,
                                                               int64_t rows, int64_t cols) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t row = r * cols;
    double local_g = 0.0;
    double local_gx = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double g = static_cast<double>(dy[row + c]) * gamma[c];
      local_g += g;
      local_gx += g * slimfit::normalized_value(x, mean, rstd, r, row + c);
    }
    const double mean_g = slimfit::block_sum(local_g, scratch) / cols;
    const double mean_gx = slimfit::block_sum(local_gx, scratch) / cols;
    const double row_rstd = rstd[r];
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      const double g = static_cast<double>(dy[row + c]) * gamma[c];
      const double xhat = slimfit::normalized_value(x, mean, rstd, r, row + c);
      dx[row + c] = static_cast<float>(row_rstd * (g - mean_g - xhat * mean_gx));
    }
  }
}

/**
 * First stage of dgamma = Σ_r dy⊙x̂ and dbeta = Σ_r dy: partial sums per chunk of rows, written to
 * partials[chunk·cols + c] (dgamma) and partials[(chunks + chunk)·cols + c] (dbeta). x and mean as in
 * slimfit_layernorm_backward_rows_f32. Grid and block as slimfit_column_sum_partials_f32.
 */
extern "C" __global__ void slimfit_layernorm_backward_columns_f32(const float* x, const float* mean,
                                                                  const float* rstd, const float* dy,
                                                                  double* partials, int64_t rows, int64_t cols,
                                                                  int64_t rows_per_chunk) {
  const int64_t chunks = gridDim.y;
  slimfit::column_partials(rows, cols, rows_per_chunk, partials, partials + chunks * cols,
                           [=](int64_t r, int64_t i, double* dgamma, double* dbeta) {
                             const double d = dy[i];
                             *dgamma += d * slimfit::normalized_value(x, mean, rstd, r, i);
                             *dbeta += d;
                           });
}

/** Second stage: dgamma[c] and dbeta[c] (each may be null) from the chunk partials, added in chunk order. */
extern "C" __global__ void slimfit_layernorm_backward_columns_finish_f32(const double* partials, int64_t chunks,
                                                                         float* dgamma, float* dbeta, int64_t cols) {
  for (int64_t c = slimfit::global_thread_index(); c < cols; c += slimfit::grid_thread_count()) {
    double sum_gamma = 0.0;
    double sum_beta = 0.0;
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      sum_gamma += partials[chunk * cols + c];
      sum_beta += partials[(chunks + chunk) * cols + c];
    }
    if (dgamma != nullptr) {
      dgamma[c] = static_cast<float>(sum_gamma);
    }
    if (dbeta != nullptr) {
      dbeta[c] = static_cast<float>(sum_beta);
    }
  }
}
