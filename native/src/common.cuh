// Helpers shared by every kernel file: grid-stride indexing, deterministic warp/block reductions, the NaN-propagating
// maximum of the reference, and the "first bad position" slot through which kernels report an invalid index.
//
// Conventions of every kernel in this folder:
// - names are extern "C", prefixed slimfit_, so that the driver API finds them by their plain names and the Java side
//   (dev.slimfit.kernels.cuda.KernelFunction) lists the same names;
// - sizes are int64_t unless a row length (int) suffices; pointers are device pointers;
// - reductions are deterministic: the partition of the work and the order of every addition depend only on the sizes
//   and the launch shape (which the Java side derives from the sizes), never on timing;
// - sums accumulate in double, as the reference does.
#pragma once
#include <cstdint>
#include <cfloat>
#include <cmath>

namespace slimfit {

constexpr int WARP_SIZE = 32;
constexpr unsigned FULL_MASK = 0xffffffffu;
/** The most warps a block may have (1024 threads). */
constexpr int MAX_WARPS = 32;
/** Value of a "first bad position" slot that no kernel has written: the Java side resets it to this. */
constexpr unsigned long long NO_BAD_POSITION = ~0ull;

__device__ __forceinline__ int64_t global_thread_index() {
  return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
}

__device__ __forceinline__ int64_t grid_thread_count() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

/** Records {@code position} as bad; the slot keeps the smallest bad position, so the report is deterministic. */
__device__ __forceinline__ void report_bad_position(unsigned long long* first_bad, int64_t position) {
  atomicMin(first_bad, static_cast<unsigned long long>(position));
}

/** The reference's max: NaN if either is NaN, +0 above -0 (as Java's Math.max), else the larger. */
__device__ __forceinline__ float max_propagating_nan(float a, float b) {
  if (isnan(a) || isnan(b)) {
    return __int_as_float(0x7fc00000);
  }
  if (a == b) {
    // equal values have equal bits except for ±0, where the AND of the bits gives +0
    return __int_as_float(__float_as_int(a) & __float_as_int(b));
  }
  return a > b ? a : b;
}

template <typename T>
__device__ __forceinline__ T warp_sum(T value) {
  // butterfly: every lane ends with the same sum, added in the same order on every run
  for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) {
    value += __shfl_xor_sync(FULL_MASK, value, offset);
  }
  return value;
}

__device__ __forceinline__ float warp_max(float value) {
  for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) {
    value = fmaxf(value, __shfl_xor_sync(FULL_MASK, value, offset));
  }
  return value;
}

__device__ __forceinline__ float warp_max_propagating_nan(float value) {
  for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) {
    value = max_propagating_nan(value, __shfl_xor_sync(FULL_MASK, value, offset));
  }
  return value;
}

/**
 * Sum over the block, returned to every thread. {@code scratch} holds MAX_WARPS values; the block size must be a
 * multiple of 32. Ends with a barrier, so the same scratch may be reused right after.
 */
template <typename T>
__device__ T block_sum(T value, T* scratch) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int warp = threadIdx.x / WARP_SIZE;
  const int warps = blockDim.x / WARP_SIZE;
  value = warp_sum(value);
  if (lane == 0) {
    scratch[warp] = value;
  }
  __syncthreads();
  T total = lane < warps ? scratch[lane] : T(0);
  total = warp_sum(total);
  __syncthreads();
  return total;
}

/** Max over the block (NaN ignored unless every value is NaN, as fmaxf), returned to every thread. */
__device__ float block_max(float value, float* scratch) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int warp = threadIdx.x / WARP_SIZE;
  const int warps = blockDim.x / WARP_SIZE;
  value = warp_max(value);
  if (lane == 0) {
    scratch[warp] = value;
  }
  __syncthreads();
  float total = lane < warps ? scratch[lane] : -INFINITY;
  total = warp_max(total);
  __syncthreads();
  return total;
}

/** Max over the block with the reference's NaN and ±0 rules, returned to every thread. */
__device__ float block_max_propagating_nan(float value, float* scratch) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int warp = threadIdx.x / WARP_SIZE;
  const int warps = blockDim.x / WARP_SIZE;
  value = warp_max_propagating_nan(value);
  if (lane == 0) {
    scratch[warp] = value;
  }
  __syncthreads();
  float total = lane < warps ? scratch[lane] : -INFINITY;
  total = warp_max_propagating_nan(total);
  __syncthreads();
  return total;
}

/** True when every pointer is aligned to {@code bytes}: the vector paths load float4 only from such addresses. */
__device__ __forceinline__ bool aligned(const void* p, unsigned bytes) {
  return (reinterpret_cast<uintptr_t>(p) & (bytes - 1)) == 0;
}


// Warp-per-row kernels: a block of ROW_WARPS warps handles ROW_WARPS rows, one per warp, and the warps stride over
// the rows together. A warp needs no barrier to combine its lanes (shuffles do), which is what makes these faster than
// a block per row for rows of a few hundred to a few thousand elements.

/** Warps per block of a warp-per-row kernel; the Java side launches blocks of ROW_WARPS·32 threads. */
constexpr int ROW_WARPS = 8;

__device__ __forceinline__ int lane_index() {
  return threadIdx.x % WARP_SIZE;
}

/** The first row of this warp. */
__device__ __forceinline__ int64_t warp_row() {
  return blockIdx.x * static_cast<int64_t>(blockDim.x / WARP_SIZE) + threadIdx.x / WARP_SIZE;
}

/** The distance from one row of a warp to its next. */
__device__ __forceinline__ int64_t warp_row_stride() {
  return static_cast<int64_t>(gridDim.x) * (blockDim.x / WARP_SIZE);
}

/** Columns a lane takes at once: 4 (one float4) where every row the kernel touches is 16-byte aligned, else 1. */
constexpr int QUAD = 4;

/**
 * Calls f(c, row[c]) for the columns of this lane: with quads, columns 4·lane … 4·lane + 3 of every 128 (cols must be
 * a multiple of 4); else columns lane, lane + 32, … Lanes may run different trip counts: f must not synchronise.
 */
template <typename F>
__device__ __forceinline__ void for_each_lane_column(const float* row, int64_t cols, bool quads, F&& f) {
  const int lane = lane_index();
  if (quads) {
    for (int64_t c = QUAD * lane; c < cols; c += QUAD * WARP_SIZE) {
      const float4 v = *reinterpret_cast<const float4*>(row + c);
      f(c, v.x);
      f(c + 1, v.y);
      f(c + 2, v.z);
      f(c + 3, v.w);
    }
  } else {
    for (int64_t c = lane_index(); c < cols; c += WARP_SIZE) {
      f(c, row[c]);
    }
  }
}

/** out[c] = f(c, in[c]) for the columns of this lane, stored as float4 with quads. in and out may be the same row. */
template <typename F>
__device__ __forceinline__ void map_lane_columns(const float* in, float* out, int64_t cols, bool quads, F&& f) {
  const int lane = lane_index();
  if (quads) {
    for (int64_t c = QUAD * lane; c < cols; c += QUAD * WARP_SIZE) {
      const float4 v = *reinterpret_cast<const float4*>(in + c);
      *reinterpret_cast<float4*>(out + c) = make_float4(f(c, v.x), f(c + 1, v.y), f(c + 2, v.z), f(c + 3, v.w));
    }
  } else {
    for (int64_t c = lane_index(); c < cols; c += WARP_SIZE) {
      out[c] = f(c, in[c]);
    }
  }
}

/** True when rows of {@code cols} floats starting at each pointer can be read as float4 (null pointers are ignored). */
__device__ __forceinline__ bool rows_in_quads(int64_t cols, const void* a, const void* b = nullptr,
                                              const void* c = nullptr) {
  const unsigned bytes = QUAD * sizeof(float);
  return cols % QUAD == 0 && aligned(a, bytes) && (b == nullptr || aligned(b, bytes)) &&
         (c == nullptr || aligned(c, bytes));
}

}  // namespace slimfit
