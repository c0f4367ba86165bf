// Sum, mean and max over a whole buffer, per row and per column: kernels' Reductions contract, plus the two-stage
// building blocks other families reuse (AdamW's metric, MSE, LayerNorm's column gradients). Every reduction is
// deterministic: a fixed partition into blocks (chosen by the Java side from the sizes alone), fixed-order warp and
// block trees, and a second stage that adds the per-block partials in index order. Sums accumulate in double.
#pragma once
#include "common.cuh"

namespace slimfit {

/** Threads along the columns of a column-reduction block (one warp: coalesced rows). */
constexpr int COLUMN_TILE = 32;
/** Threads along the rows of a column-reduction block. */
constexpr int COLUMN_ROW_LANES = 8;

/**
 * First stage of a column reduction. Block (COLUMN_TILE, COLUMN_ROW_LANES); grid x over column tiles, y over chunks
 * of {@code rows_per_chunk} rows. {@code accumulate(r, i, &a, &b)} adds the contributions of element i = r·cols + c to
 * two accumulators; the row lanes are combined in lane order and written to out_a[chunk·cols + c] and, when out_b is
 * not null, out_b[chunk·cols + c].
 */
template <typename Accumulate>
__device__ void column_partials(int64_t rows, int64_t cols, int64_t rows_per_chunk, double* out_a, double* out_b,
                                Accumulate accumulate) {
  __shared__ double lanes_a[COLUMN_ROW_LANES][COLUMN_TILE];
  __shared__ double lanes_b[COLUMN_ROW_LANES][COLUMN_TILE];
  const int64_t c = blockIdx.x * static_cast<int64_t>(COLUMN_TILE) + threadIdx.x;
  const int64_t chunk = blockIdx.y;
  const int64_t first = chunk * rows_per_chunk;
  const int64_t end = min(rows, first + rows_per_chunk);
  double a = 0.0;
  double b = 0.0;
  if (c < cols) {
    for (int64_t r = first + threadIdx.y; r < end; r += COLUMN_ROW_LANES) {
      accumulate(r, r * cols + c, &a, &b);
    }
  }
  lanes_a[threadIdx.y][threadIdx.x] = a;
  lanes_b[threadIdx.y][threadIdx.x] = b;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    double sum_a = 0.0;
    double sum_b = 0.0;
    for (int lane = 0; lane < COLUMN_ROW_LANES; ++lane) {
      sum_a += lanes_a[lane][threadIdx.x];
      sum_b += lanes_b[lane][threadIdx.x];
    }
    out_a[chunk * cols + c] = sum_a;
    if (out_b != nullptr) {
      out_b[chunk * cols + c] = sum_b;
    }
  }
}

/** Σ partials[0..count) by one block, in a fixed order; every thread gets the result. */
__device__ double sum_in_one_block(const double* partials, int64_t count, double* scratch) {
  double local = 0.0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
    local += partials[i];
  }
  return block_sum(local, scratch);
}

}  // namespace slimfit

/** Per-block partial sums of x[0..n) in double. Grid: any size (the Java side fixes it from n). */
extern "C" __global__ void slimfit_sum_partials_f32(const float* x, int64_t n, double* partials) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  double local = 0.0;
  for (int64_t i = slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    local += x[i];
  }
  const double sum = slimfit::block_sum(local, scratch);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = sum;
  }
}

/** Per-block partial maxima with the reference's NaN rule. */
extern "C" __global__ void slimfit_max_partials_f32(const float* x, int64_t n, float* partials) {
  __shared__ float scratch[slimfit::MAX_WARPS];
  float local = -INFINITY;
  for (int64_t i = slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    local = slimfit::max_propagating_nan(local, x[i]);
  }
  const float max = slimfit::block_max_propagating_nan(local, scratch);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = max;
  }
}

/** out[0] = Σ partials / divisor (one block). divisor 0 with no partials gives NaN: the mean of nothing. */
extern "C" __global__ void slimfit_finish_sum_f32(const double* partials, int64_t count, double divisor, float* out) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  const double sum = slimfit::sum_in_one_block(partials, count, scratch);
  if (threadIdx.x == 0) {
    out[0] = static_cast<float>(sum / divisor);
  }
}

/** out[0] = max of the partials (one block); −∞ for none. */
extern "C" __global__ void slimfit_finish_max_f32(const float* partials, int64_t count, float* out) {
  __shared__ float scratch[slimfit::MAX_WARPS];
  float local = -INFINITY;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
    local = slimfit::max_propagating_nan(local, partials[i]);
  }
  const float max = slimfit::block_max_propagating_nan(local, scratch);
  if (threadIdx.x == 0) {
    out[0] = max;
  }
}

/** out[0] = Σ partials[0..count), out[1] = Σ partials[count..2·count) (one block): a sum and a count together. */
extern "C" __global__ void slimfit_finish_pair_sums(const double* partials, int64_t count, double* out) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  const double first = slimfit::sum_in_one_block(partials, count, scratch);
  const double second = slimfit::sum_in_one_block(partials + count, count, scratch);
  if (threadIdx.x == 0) {
    out[0] = first;
    out[1] = second;
  }
}

/** out[r] = Σ_c x[r, c], divided by cols when {@code mean} is not 0 (an empty row's mean is NaN). Block per row. */
extern "C" __global__ void slimfit_row_sum_f32(const float* x, int64_t rows, int64_t cols, int32_t mean, float* out) {
  __shared__ double scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    double local = 0.0;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local += x[r * cols + c];
    }
    const double sum = slimfit::block_sum(local, scratch);
    if (threadIdx.x == 0) {
      out[r] = static_cast<float>(mean != 0 ? sum / static_cast<double>(cols) : sum);
    }
  }
}

/** out[r] = max_c x[r, c] with the reference's NaN rule; −∞ for an empty row. Block per row. */
extern "C" __global__ void slimfit_row_max_f32(const float* x, int64_t rows, int64_t cols, float* out) {
  __shared__ float scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    float local = -INFINITY;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      local = slimfit::max_propagating_nan(local, x[r * cols + c]);
    }
    const float max = slimfit::block_max_propagating_nan(local, scratch);
    if (threadIdx.x == 0) {
      out[r] = max;
    }
  }
}

/** First stage of out[c] = Σ_r x[r, c]: see slimfit::column_partials. */
extern "C" __global__ void slimfit_column_sum_partials_f32(const float* x, int64_t rows, int64_t cols,
                                                           int64_t rows_per_chunk, double* partials) {
  slimfit::column_partials(rows, cols, rows_per_chunk, partials, nullptr,
                           [=](int64_t, int64_t i, double* sum, double*) { *sum += x[i]; });
}

/** Second stage: out[c] = Σ_chunk partials[chunk·cols + c], in chunk order. */
extern "C" __global__ void slimfit_column_sum_finish_f32(const double* partials, int64_t chunks, int64_t cols,
                                                         float* out) {
  for (int64_t c = slimfit::global_thread_index(); c < cols; c += slimfit::grid_thread_count()) {
    double sum = 0.0;
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      sum += partials[chunk * cols + c];
    }
    out[c] = static_cast<float>(sum);
  }
}
