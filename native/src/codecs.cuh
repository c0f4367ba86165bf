// Activation codecs (kernels' Codecs contract): fixed-point int8, uint8 and packed int4 with round-half-to-even and
// clamping (NaN → 0), and per-row top-k by magnitude. Scaling by 2^±fracBits is exact in float32 for the supported
// fracBits except where the product underflows or overflows, and there the clamped code is the same as the
// reference's (0 or the range end), so every code equals the reference's.
//
// Top-k needs no sort: one warp per row finds the k-th largest magnitude key (the bits of |x|, NaN above +∞) by a
// radix select over its four bytes, then writes the kept entries in column order with warp votes: every key above
// the threshold, and the first (k − greater) keys equal to it (lower column wins ties). (Holding rows of up to 1,024
// columns in registers and searching the threshold bit by bit was measured on an H100 at 5% faster for 768 columns
// and left out: the kernel is bound by its instruction count, not by re-reading the row from L1.)
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

namespace slimfit {

/** Digits of the select each lane of a warp owns when the warp scans its histogram: 256 / 32. */
constexpr int DIGITS_PER_LANE = SELECT_DIGITS / WARP_SIZE;

/**
 * The columns of one warp-wide chunk: lane l holds columns base + W·l … base + W·l + W − 1 (W = QUAD where the rows
 * are float4-aligned, else 1); columns past the row are marked absent. Every lane runs the same trip count, so the
 * callback may use warp-wide votes.
 */
template <int W, typename F>
__device__ __forceinline__ void for_each_warp_chunk(const float* row, int64_t cols, F&& f) {
  const int lane = lane_index();
  for (int64_t base = 0; base < cols; base += W * WARP_SIZE) {
    const int64_t first = base + W * lane;
    float value[W];
    bool present[W];
#pragma unroll
    for (int j = 0; j < W; ++j) {
      present[j] = first + j < cols;
    }
    if constexpr (W == QUAD) {  // cols is a multiple of QUAD here: a quad is wholly inside the row or wholly past it
      const float4 v = present[0] ? *reinterpret_cast<const float4*>(row + first) : make_float4(0, 0, 0, 0);
      value[0] = v.x;
      value[1] = v.y;
      value[2] = v.z;
      value[3] = v.w;
    } else {
      value[0] = present[0] ? row[first] : 0.0f;
    }
    f(first, value, present);  // as arrays: the callback takes them by reference
  }
}

/**
 * Counts, into this warp's histogram, the digit at {@code shift} of every key whose bits above it equal {@code prefix}.
 * Lanes adding to the same digit are combined first (one atomic per distinct digit per vote), since the leading digits
 * of real activations crowd into a few exponents.
 */
template <int W>
__device__ void histogram_digits(const float* row, int64_t cols, uint32_t prefix, uint32_t prefix_mask, int shift,
                                 int32_t* histogram) {
  for_each_warp_chunk<W>(row, cols, [&](int64_t, const auto& value, const auto& present) {
#pragma unroll
    for (int j = 0; j < W; ++j) {
      const uint32_t key = magnitude_key(value[j]);
      const bool counted = present[j] && (key & prefix_mask) == prefix;
      const int digit = counted ? static_cast<int>((key >> shift) & 0xFFu) : SELECT_DIGITS;
      const unsigned peers = __match_any_sync(FULL_MASK, digit);
      if (counted && lane_index() == __ffs(peers) - 1) {
        atomicAdd(&histogram[digit], __popc(peers));
      }
    }
  });
}

/** What one pass of the select found: the digit of the k-th largest key, and the keys above it in this pass. */
struct SelectedDigit {
  int digit;
  int64_t above;
  int64_t count;
};

/**
 * The largest digit d with (keys of digits > d) < needed ≤ (keys of digits ≥ d), for every lane: each lane sums its
 * DIGITS_PER_LANE bins, a suffix scan over the lanes finds the lane where the count from the top reaches needed, and
 * that lane walks its own bins.
 */
__device__ SelectedDigit select_digit(const int32_t* histogram, int64_t needed) {
  const int lane = lane_index();
  const int first_digit = lane * DIGITS_PER_LANE;
  int64_t lane_total = 0;
#pragma unroll
  for (int d = 0; d < DIGITS_PER_LANE; ++d) {
    lane_total += histogram[first_digit + d];
  }
  int64_t from_top = lane_total;  // keys in the digits of this lane and every lane above it
  for (int offset = 1; offset < WARP_SIZE; offset <<= 1) {
    const int64_t higher = __shfl_down_sync(FULL_MASK, from_top, offset);
    if (lane + offset < WARP_SIZE) {
      from_top += higher;
    }
  }
  const int owner = WARP_SIZE - 1 - __clz(__ballot_sync(FULL_MASK, from_top >= needed));
  SelectedDigit selected{0, 0, 0};
  if (lane == owner) {
    int64_t above = from_top - lane_total;
    int d = first_digit + DIGITS_PER_LANE - 1;
    while (above + histogram[d] < needed) {
      above += histogram[d];
      --d;
    }
    selected = SelectedDigit{d, above, histogram[d]};
  }
  selected.digit = __shfl_sync(FULL_MASK, selected.digit, owner);
  selected.above = __shfl_sync(FULL_MASK, selected.above, owner);
  selected.count = __shfl_sync(FULL_MASK, selected.count, owner);
  return selected;
}

/** Lanes below this one. */
__device__ __forceinline__ unsigned lower_lanes() {
  return (1u << lane_index()) - 1u;
}

/**
 * Writes a row's kept entries in column order, one warp-wide chunk after another: every key whose bits under
 * {@code mask} exceed {@code prefix}, and the first {@code equal_to_take} keys equal to it (lower columns win ties).
 * A chunk's slots come from warp votes, W per chunk (one per column of a lane), so every lane must call chunk().
 */
struct KeptEntries {
  uint32_t prefix;
  uint32_t mask;
  int64_t equal_to_take;
  int32_t* values;
  int32_t* indices;
  int64_t equal_seen = 0;
  int64_t written = 0;

  /** Columns first … first + W − 1 of this lane (present marks those inside the row). */
  template <int W>
  __device__ __forceinline__ void chunk(int64_t first, const float (&value)[W], const bool (&present)[W]) {
    bool above[W];
    bool equal[W];
    unsigned equal_votes = 0;  // equal keys of this lane, by column offset j
    int equal_before = 0;      // equal keys in lower lanes of this chunk
    int equal_in_chunk = 0;
#pragma unroll
    for (int j = 0; j < W; ++j) {
      const uint32_t masked = magnitude_key(value[j]) & mask;
      above[j] = present[j] && masked > prefix;
      equal[j] = present[j] && masked == prefix;
      const unsigned vote = __ballot_sync(FULL_MASK, equal[j]);
      equal_before += __popc(vote & lower_lanes());
      equal_in_chunk += __popc(vote);
      equal_votes |= static_cast<unsigned>(equal[j]) << j;
    }
    bool take[W];
    int taken_before = 0;
    int taken_in_chunk = 0;
    unsigned take_votes = 0;
#pragma unroll
    for (int j = 0; j < W; ++j) {
      const int64_t equal_rank = equal_seen + equal_before + __popc(equal_votes & ((1u << j) - 1u));
      take[j] = above[j] || (equal[j] && equal_rank < equal_to_take);
      const unsigned vote = __ballot_sync(FULL_MASK, take[j]);
      taken_before += __popc(vote & lower_lanes());
      taken_in_chunk += __popc(vote);
      take_votes |= static_cast<unsigned>(take[j]) << j;
    }
#pragma unroll
    for (int j = 0; j < W; ++j) {
      if (take[j]) {
        const int64_t slot = written + taken_before + __popc(take_votes & ((1u << j) - 1u));
        values[slot] = __float_as_int(value[j]);
        indices[slot] = static_cast<int32_t>(first + j);
      }
    }
    equal_seen += equal_in_chunk;
    written += taken_in_chunk;
  }
};

/**
 * Top-k of one row by one warp, for rows of any length: radix select over the key bytes from the top, re-reading the
 * row (from L1) for each byte; it stops early once every key sharing the selected prefix is kept. Then one pass in
 * column order writes the kept entries (KeptEntries).
 */
template <int W>
__device__ void encode_top_k_row(const float* row, int64_t cols, int64_t k, int32_t* histogram, int32_t* values,
                                 int32_t* indices) {
  uint32_t prefix = 0;
  uint32_t prefix_mask = 0;
  int64_t needed = k;
  for (int shift = 24; shift >= 0; shift -= 8) {
    for (int d = lane_index(); d < SELECT_DIGITS; d += WARP_SIZE) {
      histogram[d] = 0;
    }
    __syncwarp();
    histogram_digits<W>(row, cols, prefix, prefix_mask, shift, histogram);
    __syncwarp();
    const SelectedDigit selected = select_digit(histogram, needed);
    __syncwarp();  // every lane has read the histogram before the next pass clears it
    prefix |= static_cast<uint32_t>(selected.digit) << shift;
    prefix_mask |= 0xFFu << shift;
    needed -= selected.above;
    if (selected.count == needed) {
      break;  // every key with this prefix is kept: the finer digits cannot change the kept set
    }
  }
  KeptEntries kept{prefix, prefix_mask, needed, values, indices};
  for_each_warp_chunk<W>(row, cols,
                         [&](int64_t first, const auto& value, const auto& present) { kept.chunk(first, value, present); });
}

}  // namespace slimfit

/**
 * values[r·k + j] (as raw bits) and indices[r·k + j] for the k kept entries of row r, by increasing column. One warp
 * per row (blocks of ROW_WARPS warps, grid-stride; each warp has its own histogram). k ≥ 1 (k = 0 is not launched).
 */
extern "C" __global__ void slimfit_encode_top_k(const float* x, int64_t rows, int64_t cols, int64_t k,
                                                int32_t* values, int32_t* indices) {
  __shared__ int32_t histograms[slimfit::ROW_WARPS][slimfit::SELECT_DIGITS];
  int32_t* histogram = histograms[threadIdx.x / slimfit::WARP_SIZE];
  const bool quads = slimfit::rows_in_quads(cols, x);
  for (int64_t r = slimfit::warp_row(); r < rows; r += slimfit::warp_row_stride()) {
    if (quads) {
      slimfit::encode_top_k_row<slimfit::QUAD>(x + r * cols, cols, k, histogram, values + r * k, indices + r * k);
    } else {
      slimfit::encode_top_k_row<1>(x + r * cols, cols, k, histogram, values + r * k, indices + r * k);
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
