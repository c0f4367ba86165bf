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

/**
 * Exclusive prefix count of {@code flag} over the block in thread order, for compaction. Returns this thread's
 * prefix and writes the block's total to {@code *total}. {@code scratch} holds MAX_WARPS ints.
 */
__device__ int block_exclusive_count(bool flag, int* scratch, int* total) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int warp = threadIdx.x / WARP_SIZE;
  const int warps = blockDim.x / WARP_SIZE;
  const unsigned ballot = __ballot_sync(FULL_MASK, flag);
  const int within_warp = __popc(ballot & ((1u << lane) - 1u));
  if (lane == 0) {
    scratch[warp] = __popc(ballot);
  }
  __syncthreads();
  int before = 0;
  int all = 0;
  for (int w = 0; w < warps; ++w) {
    const int count = scratch[w];
    before += w < warp ? count : 0;
    all += count;
  }
  __syncthreads();
  *total = all;
  return before + within_warp;
}

/** True when every pointer is aligned to {@code bytes}: the vector paths load float4 only from such addresses. */
__device__ __forceinline__ bool aligned(const void* p, unsigned bytes) {
  return (reinterpret_cast<uintptr_t>(p) & (bytes - 1)) == 0;
}

}  // namespace slimfit
