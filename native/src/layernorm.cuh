// LayerNorm over the last dimension: forward (with optional beta, mean and rstd), the row part of backward (dx) from
// x or from x̂, and the column part (dgamma, dbeta) as a deterministic two-stage column reduction. Statistics and
// gradient sums accumulate in double as the reference does: a constant row then has exactly its value as mean and
// variance 0, which matters with BERT's eps = 1e-12.
#pragma once
#include "common.cuh"
#include "reductions.cuh"

/**
 * One warp per row (blocks of ROW_WARPS warps, grid-stride). mean, rstd and beta may be null. The row is read three
 * times (sum, squared deviations, output); the second and third reads hit L1.
 */
extern "C" __global__ void slimfit_layernorm_forward_f32(const float* x, const float* gamma, const float* beta,
                                                         float eps, float* y, float* mean, float* rstd, int64_t rows,
                                                         int64_t cols) {
  const bool quads = slimfit::rows_in_quads(cols, x, y);
  for (int64_t r = slimfit::warp_row(); r < rows; r += slimfit::warp_row_stride()) {
    const float* x_row = x + r * cols;
    double local = 0.0;
    slimfit::for_each_lane_column(x_row, cols, quads, [&](int64_t, float value) { local += value; });
    const double row_mean = cols == 0 ? 0.0 : slimfit::warp_sum(local) / cols;
    local = 0.0;
    slimfit::for_each_lane_column(x_row, cols, quads, [&](int64_t, float value) {
      const double centred = value - row_mean;
      local += centred * centred;
    });
    const double variance = cols == 0 ? 0.0 : slimfit::warp_sum(local) / cols;
    const double row_rstd = 1.0 / sqrt(variance + static_cast<double>(eps));
    slimfit::map_lane_columns(x_row, y + r * cols, cols, quads, [&](int64_t c, float value) {
      const double normalized = (value - row_mean) * row_rstd;
      const double shift = beta != nullptr ? beta[c] : 0.0;
      return static_cast<float>(normalized * gamma[c] + shift);
    });
    if (slimfit::lane_index() == 0) {
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
 * from mean and rstd; with mean null, x holds x̂ itself. One warp per row, as the forward.
 */
extern "C" __global__ void slimfit_layernorm_backward_rows_f32(const float* x, const float* mean, const float* rstd,
                                                               const float* gamma, const float* dy, float* dx,
                                                               int64_t rows, int64_t cols) {
  const bool quads = slimfit::rows_in_quads(cols, dy, dx);
  for (int64_t r = slimfit::warp_row(); r < rows; r += slimfit::warp_row_stride()) {
    const int64_t row = r * cols;
    double local_g = 0.0;
    double local_gx = 0.0;
    slimfit::for_each_lane_column(dy + row, cols, quads, [&](int64_t c, float d) {
      const double g = static_cast<double>(d) * gamma[c];
      local_g += g;
      local_gx += g * slimfit::normalized_value(x, mean, rstd, r, row + c);
    });
    const double mean_g = slimfit::warp_sum(local_g) / cols;
    const double mean_gx = slimfit::warp_sum(local_gx) / cols;
    const double row_rstd = rstd[r];
    slimfit::map_lane_columns(dy + row, dx + row, cols, quads, [&](int64_t c, float d) {
      const double g = static_cast<double>(d) * gamma[c];
      const double xhat = slimfit::normalized_value(x, mean, rstd, r, row + c);
      return static_cast<float>(row_rstd * (g - mean_g - xhat * mean_gx));
    });
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
