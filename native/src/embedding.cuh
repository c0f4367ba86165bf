// Embedding gather and its gradient. The gradient is deterministic and sums in double, like the reference: positions
// are sorted by table row with a stable LSD radix sort (8-bit digits: histogram per tile, one exclusive scan, stable
// scatter), so the positions of each row end up contiguous and in increasing order; then one block per run of equal
// rows adds that run's gradient rows in position order onto the table row, rounding once. No float atomics: the result
// is the same on every run and equal to the reference's. Indices are validated before any of this (index_check).
#pragma once
#include "common.cuh"

namespace slimfit {

/** Bits of one radix-sort digit, and the number of digit values. */
constexpr int RADIX_BITS = 8;
constexpr int RADIX = 1 << RADIX_BITS;
/** Keys per radix-sort tile: one block of RADIX threads, one key each. */
constexpr int RADIX_TILE = RADIX;

}  // namespace slimfit

/** Records the first position whose index lies outside [0, bound). Grid-stride over count. */
extern "C" __global__ void slimfit_index_check_i32(const int32_t* indices, int64_t count, int64_t bound,
                                                   unsigned long long* first_bad) {
  for (int64_t i = slimfit::global_thread_index(); i < count; i += slimfit::grid_thread_count()) {
    const int32_t index = indices[i];
    if (index < 0 || index >= bound) {
      slimfit::report_bad_position(first_bad, i);
    }
  }
}

/** out[i, :] = table[indices[i], :]. Grid: x over column blocks, y over positions (grid-stride). */
extern "C" __global__ void slimfit_embedding_gather_f32(const float* table, const int32_t* indices, float* out,
                                                        int64_t count, int64_t dim) {
  const int64_t c = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (c >= dim) {
    return;
  }
  for (int64_t i = blockIdx.y; i < count; i += gridDim.y) {
    out[i * dim + c] = table[static_cast<int64_t>(indices[i]) * dim + c];
  }
}

/** Sort input: keys = indices, values = positions 0..count-1. Grid-stride. */
extern "C" __global__ void slimfit_radix_prepare_i32(const int32_t* indices, int64_t count, int32_t* keys,
                                                     int32_t* positions) {
  for (int64_t i = slimfit::global_thread_index(); i < count; i += slimfit::grid_thread_count()) {
    keys[i] = indices[i];
    positions[i] = static_cast<int32_t>(i);
  }
}

/**
 * Digit counts of one tile of keys: histogram[digit·tiles + tile] (digit-major, so one exclusive scan of the whole
 * array gives every (digit, tile)'s first output slot). Grid: one block of RADIX threads per tile.
 */
extern "C" __global__ void slimfit_radix_histogram_i32(const int32_t* keys, int64_t count, int32_t shift,
                                                       int32_t* histogram) {
  __shared__ int32_t counts[slimfit::RADIX];
  const int64_t tiles = gridDim.x;
  counts[threadIdx.x] = 0;
  __syncthreads();
  const int64_t i = blockIdx.x * static_cast<int64_t>(slimfit::RADIX_TILE) + threadIdx.x;
  if (i < count) {
    atomicAdd(&counts[(static_cast<uint32_t>(keys[i]) >> shift) & (slimfit::RADIX - 1)], 1);
  }
  __syncthreads();
  histogram[threadIdx.x * tiles + blockIdx.x] = counts[threadIdx.x];
}

/** In-place exclusive prefix sum of data[0..n) by one block: each thread scans a contiguous chunk. */
extern "C" __global__ void slimfit_exclusive_scan_i32(int32_t* data, int64_t n) {
  __shared__ int32_t chunk_totals[1024];
  const int64_t per_thread = (n + blockDim.x - 1) / blockDim.x;
  const int64_t first = threadIdx.x * per_thread;
  const int64_t end = min(n, first + per_thread);
  int32_t total = 0;
  for (int64_t i = first; i < end; ++i) {
    total += data[i];
  }
  chunk_totals[threadIdx.x] = total;
  __syncthreads();
  if (threadIdx.x == 0) {
    int32_t running = 0;
    for (unsigned t = 0; t < blockDim.x; ++t) {
      const int32_t chunk = chunk_totals[t];
      chunk_totals[t] = running;
      running += chunk;
    }
  }
  __syncthreads();
  int32_t running = chunk_totals[threadIdx.x];
  for (int64_t i = first; i < end; ++i) {
    const int32_t value = data[i];
    data[i] = running;
    running += value;
  }
}

/**
 * Stable scatter of one tile by one digit: a key's slot is its (digit, tile)'s first slot plus the number of keys of
 * the same digit before it in the tile. Grid: one block of RADIX threads per tile.
 */
extern "C" __global__ void slimfit_radix_scatter_i32(const int32_t* keys_in, const int32_t* values_in, int64_t count,
                                                     int32_t shift, const int32_t* offsets, int32_t* keys_out,
                                                     int32_t* values_out) {
  __shared__ int32_t digits[slimfit::RADIX_TILE];
  const int64_t tiles = gridDim.x;
  const int64_t i = blockIdx.x * static_cast<int64_t>(slimfit::RADIX_TILE) + threadIdx.x;
  const bool present = i < count;
  const int32_t key = present ? keys_in[i] : 0;
  const int32_t digit = present ? static_cast<int32_t>((static_cast<uint32_t>(key) >> shift) & (slimfit::RADIX - 1)) : -1;
  digits[threadIdx.x] = digit;
  __syncthreads();
  if (!present) {
    return;
  }
  int32_t rank = 0;
  for (unsigned j = 0; j < threadIdx.x; ++j) {
    rank += digits[j] == digit ? 1 : 0;
  }
  const int64_t slot = offsets[digit * tiles + blockIdx.x] + rank;
  keys_out[slot] = key;
  values_out[slot] = values_in[i];
}

/**
 * table[row, :] += Σ of the gradient rows of the run of sorted positions that starts at p, for every p that starts a
 * run (its key differs from the previous one). Grid: x over sorted positions (grid-stride), block over columns.
 */
extern "C" __global__ void slimfit_embedding_segment_add_f32(const int32_t* sorted_rows, const int32_t* sorted_positions,
                                                             int64_t count, const float* d_out, float* d_table,
                                                             int64_t dim) {
  for (int64_t p = blockIdx.x; p < count; p += gridDim.x) {
    const int32_t row = sorted_rows[p];
    if (p > 0 && sorted_rows[p - 1] == row) {
      continue;
    }
    for (int64_t c = threadIdx.x; c < dim; c += blockDim.x) {
      double sum = d_table[static_cast<int64_t>(row) * dim + c];
      for (int64_t q = p; q < count && sorted_rows[q] == row; ++q) {
        sum += d_out[static_cast<int64_t>(sorted_positions[q]) * dim + c];
      }
      d_table[static_cast<int64_t>(row) * dim + c] = static_cast<float>(sum);
    }
  }
}
