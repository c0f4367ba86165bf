// Activation codecs (kernels' Codecs contract): fixed-point int8, uint8 and packed int4 with round-half-to-even and
// clamping (NaN → 0), and per-row top-k by magnitude. Scaling by 2^±fracBits is exact in float32 for the supported
// fracBits except where the product underflows or overflows, and there the clamped code is the same as the
// reference's (0 or the range end), so every code equals the reference's.
//
// Top-k needs no sort: one block per row finds the k-th largest magnitude key (the bits of |x|, NaN above +∞) by a
// radix select over its four bytes, then writes the kept entries in column order with two block-wide prefix counts:
// every key above the threshold, and the first (k − greater) keys equal to it (lower column wins ties).
#pragma once
#include "common.cuh"

namespace slimfit {

/** round-half-to-even of x·scale, clamped to [lo, hi]; NaN gives 0. */
__device__ __forceinline__ int fixed_point_code(float x, float scale, float lo, float hi) {
  const float scaled = x * scale;
  if (isnan(scaled)) {
    return 0;
  }
  return static_cast<int>(fminf(fmaxf(rintf(scaled), lo), hi));
}

constexpr float INT8_LOW = -128.0f;
constexpr float INT8_HIGH = 127.0f;
constexpr float UINT8_HIGH = 255.0f;
constexpr float UINT8_SCALE = 256.0f;
constexpr float INT4_LOW = -8.0f;
constexpr float INT4_HIGH = 7.0f;
constexpr int NIBBLE_MASK = 0xF;
constexpr int NIBBLE_BITS = 4;

/** Bits of a float's magnitude: the order of |x| as the contract defines it (NaN above +∞). */
__device__ __forceinline__ uint32_t magnitude_key(float x) {
  return __float_as_uint(x) & 0x7fffffffu;
}

constexpr int SELECT_DIGITS = 256;

}  // namespace slimfit

/** q[i] = clamp(rint(x[i]·scale), lo, hi) as a byte (int8 with lo = −128, hi = 127; uint8 with 0, 255). */
extern "C" __global__ void slimfit_encode_fixed8(const float* x, int8_t* q, int64_t n, float scale, float lo,
                                                 float hi) {
  int64_t start = 0;
  if (slimfit::aligned(x, 16) && slimfit::aligned(q, 4)) {
    const int64_t quads = n / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    char4* q4 = reinterpret_cast<char4*>(q);
    for (int64_t i = slimfit::global_thread_index(); i < quads; i += slimfit::grid_thread_count()) {
      const float4 v = x4[i];
      q4[i] = make_char4(static_cast<signed char>(slimfit::fixed_point_code(v.x, scale, lo, hi)),
                         static_cast<signed char>(slimfit::fixed_point_code(v.y, scale, lo, hi)),
                         static_cast<signed char>(slimfit::fixed_point_code(v.z, scale, lo, hi)),
                         static_cast<signed char>(slimfit::fixed_point_code(v.w, scale, lo, hi)));
    }
    start = quads * 4;
  }
  for (int64_t i = start + slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    q[i] = static_cast<int8_t>(slimfit::fixed_point_code(x[i], scale, lo, hi));
  }
}

namespace slimfit {

/** A fixed-point byte's value: the code read as signed (int8) or unsigned (uint8), times step (exact). */
__device__ __forceinline__ float fixed8_value(signed char code, float step, int32_t is_unsigned) {
  const int value = is_unsigned != 0 ? static_cast<int>(static_cast<uint8_t>(code)) : static_cast<int>(code);
  return static_cast<float>(value) * step;
}

}  // namespace slimfit

/**
 * x[i] = q[i]·step, q read as signed (int8) or unsigned (uint8) bytes; step = 2^-fracBits exactly. Four codes per
 * thread where the buffers allow (one 4-byte load, one float4 store): with a byte per thread a warp's load was 32
 * bytes and the kernel reached 67% of the copy bandwidth on an H100.
 */
extern "C" __global__ void slimfit_decode_fixed8(const int8_t* q, float* x, int64_t n, float step, int32_t is_unsigned) {
  int64_t start = 0;
  if (slimfit::aligned(q, 4) && slimfit::aligned(x, 16)) {
    const int64_t quads = n / 4;
    const char4* q4 = reinterpret_cast<const char4*>(q);
    float4* x4 = reinterpret_cast<float4*>(x);
    for (int64_t i = slimfit::global_thread_index(); i < quads; i += slimfit::grid_thread_count()) {
      const char4 c = q4[i];
      x4[i] = make_float4(slimfit::fixed8_value(c.x, step, is_unsigned), slimfit::fixed8_value(c.y, step, is_unsigned),
                          slimfit::fixed8_value(c.z, step, is_unsigned), slimfit::fixed8_value(c.w, step, is_unsigned));
    }
    start = quads * 4;
  }
  for (int64_t i = start + slimfit::global_thread_index(); i < n; i += slimfit::grid_thread_count()) {
    x[i] = slimfit::fixed8_value(q[i], step, is_unsigned);
  }
}

/** Byte i holds element 2i in its low nibble and 2i+1 in its high nibble (0 after an odd last element). */
extern "C" __global__ void slimfit_encode_int4(const float* x, uint8_t* packed, int64_t n, float scale) {
  const int64_t bytes = (n + 1) / 2;
  for (int64_t i = slimfit::global_thread_index(); i < bytes; i += slimfit::grid_thread_count()) {
    const int low = slimfit::fixed_point_code(x[2 * i], scale, slimfit::INT4_LOW, slimfit::INT4_HIGH);
    const int high = 2 * i + 1 < n
                     ? slimfit::fixed_point_code(x[2 * i + 1], scale, slimfit::INT4_LOW, slimfit::INT4_HIGH)
                     : 0;
    packed[i] = static_cast<uint8_t>((low & slimfit::NIBBLE_MASK)
                                     | ((high & slimfit::NIBBLE_MASK) << slimfit::NIBBLE_BITS));
  }
}

extern "C" __global__ void slimfit_decode_int4(const uint8_t* packed, float* x, int64_t n, float step) {
  const int64_t bytes = (n + 1) / 2;
  for (int64_t i = slimfit::global_thread_index(); i < bytes; i += slimfit::grid_thread_count()) {
    const int pair = packed[i];
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int64_t element = 2 * i + half;
      if (element < n) {
        const int nibble = (pair >> (half * slimfit::NIBBLE_BITS)) & slimfit::NIBBLE_MASK;
        const int value = nibble > 7 ? nibble - 16 : nibble;  // 4-bit two's complement
        x[element] = static_cast<float>(value) * step;
      }
    }
  }
}

/**
 * values[r·k + j] (as raw bits) and indices[r·k + j] for the k kept entries of row r, by increasing column. Grid: one
 * block per row (grid-stride); block: a multiple of 32 threads. k ≥ 1 (k = 0 writes nothing and is not launched).
 */
extern "C" __global__ void slimfit_encode_top_k(const float* x, int64_t rows, int64_t cols, int64_t k,
                                                int32_t* values, int32_t* indices) {
  __shared__ int32_t histogram[slimfit::SELECT_DIGITS];
  __shared__ uint32_t selected_prefix;
  __shared__ int64_t still_needed;
  __shared__ int32_t count_scratch[slimfit::MAX_WARPS];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* row = x + r * cols;
    // Radix select: after the pass of byte b (from the top), selected_prefix holds the top bytes of the k-th largest
    // key and still_needed how many keys with exactly that prefix are still to be taken.
    uint32_t prefix = 0;
    uint32_t prefix_mask = 0;
    int64_t needed = k;
    for (int shift = 24; shift >= 0; shift -= 8) {
      for (int d = threadIdx.x; d < slimfit::SELECT_DIGITS; d += blockDim.x) {
        histogram[d] = 0;
      }
      __syncthreads();
      for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
        const uint32_t key = slimfit::magnitude_key(row[c]);
        if ((key & prefix_mask) == prefix) {
          atomicAdd(&histogram[(key >> shift) & 0xFF], 1);
        }
      }
      __syncthreads();
      if (threadIdx.x == 0) {
        int64_t above = 0;
        int digit = slimfit::SELECT_DIGITS - 1;
        while (above + histogram[digit] < needed) {
          above += histogram[digit];
          --digit;
        }
        selected_prefix = prefix | (static_cast<uint32_t>(digit) << shift);
        still_needed = needed - above;
      }
      __syncthreads();
      prefix = selected_prefix;
      prefix_mask |= 0xFFu << shift;
      needed = still_needed;
      __syncthreads();
    }
    const uint32_t threshold = prefix;
    const int64_t equal_to_take = needed;
    // Compaction in column order.
    int64_t equal_seen = 0;
    int64_t written = 0;
    for (int64_t base = 0; base < cols; base += blockDim.x) {
      const int64_t c = base + threadIdx.x;
      const float value = c < cols ? row[c] : 0.0f;
      const uint32_t key = c < cols ? slimfit::magnitude_key(value) : 0u;
      const bool equal = c < cols && key == threshold;
      int equal_in_chunk = 0;
      const int equal_rank = slimfit::block_exclusive_count(equal, count_scratch, &equal_in_chunk);
      const bool take = c < cols && (key > threshold || (equal && equal_seen + equal_rank < equal_to_take));
      int taken_in_chunk = 0;
      const int slot = slimfit::block_exclusive_count(take, count_scratch, &taken_in_chunk);
      if (take) {
        values[r * k + written + slot] = __float_as_int(value);
        indices[r * k + written + slot] = static_cast<int32_t>(c);
      }
      equal_seen += equal_in_chunk;
      written += taken_in_chunk;
    }
  }
}

/** Records the first kept entry r·k + j whose column lies outside [0, cols). Grid-stride over rows·k. */
extern "C" __global__ void slimfit_top_k_check(const int32_t* indices, int64_t entries, int64_t cols,
                                               unsigned long long* first_bad) {
  for (int64_t i = slimfit::global_thread_index(); i < entries; i += slimfit::grid_thread_count()) {
    const int32_t column = indices[i];
    if (column < 0 || column >= cols) {
      slimfit::report_bad_position(first_bad, i);
    }
  }
}

/** out[r, indices[r·k + j]] = values[r·k + j] (raw bits) into an output the caller zeroed. Grid: x over j, y over rows. */
extern "C" __global__ void slimfit_decode_top_k(const int32_t* values, const int32_t* indices, int64_t rows,
                                                int64_t cols, int64_t k, int32_t* out) {
  const int64_t j = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (j >= k) {
    return;
  }
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    out[r * cols + indices[r * k + j]] = values[r * k + j];
  }
}
