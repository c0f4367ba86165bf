// Inverted dropout whose mask is Philox4x32-10 of (seed, offset + i), bit for bit the stream of
// dev.slimfit.kernels.Philox: element idx is word idx & 3 of the block of counter (idx >> 2, 0, 0, 0) under the key
// (seed low, seed high); it is kept when the word's top 24 bits times 2^-24 are >= p. Forward and backward are the same
// map, so backward regenerates the mask instead of reading a stored one.
#pragma once
#include "common.cuh"

namespace slimfit {

constexpr uint32_t PHILOX_MULTIPLIER_0 = 0xD2511F53u;
constexpr uint32_t PHILOX_MULTIPLIER_1 = 0xCD9E8D57u;
constexpr uint32_t PHILOX_KEY_BUMP_0 = 0x9E3779B9u;
constexpr uint32_t PHILOX_KEY_BUMP_1 = 0xBB67AE85u;
constexpr int PHILOX_ROUNDS = 10;
/** 2^-24: the top 24 bits of a word scaled into [0, 1), exactly representable. */
constexpr float PHILOX_UNIFORM_SCALE = 1.0f / 16777216.0f;

/** The four words of Philox4x32-10 for a 64-bit block counter (upper counter words 0) and a 64-bit key. */
__device__ __forceinline__ uint4 philox_block(uint64_t seed, uint64_t block) {
  uint32_t c0 = static_cast<uint32_t>(block);
  uint32_t c1 = static_cast<uint32_t>(block >> 32);
  uint32_t c2 = 0;
  uint32_t c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed);
  uint32_t k1 = static_cast<uint32_t>(seed >> 32);
#pragma unroll
  for (int round = 0; round < PHILOX_ROUNDS; ++round) {
    const uint32_t hi0 = __umulhi(PHILOX_MULTIPLIER_0, c0);
    const uint32_t lo0 = PHILOX_MULTIPLIER_0 * c0;
    const uint32_t hi1 = __umulhi(PHILOX_MULTIPLIER_1, c2);
    const uint32_t lo1 = PHILOX_MULTIPLIER_1 * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += PHILOX_KEY_BUMP_0;
    k1 += PHILOX_KEY_BUMP_1;
  }
  return make_uint4(c0, c1, c2, c3);
}

__device__ __forceinline__ float philox_uniform(uint32_t word) {
  return static_cast<float>(word >> 8) * PHILOX_UNIFORM_SCALE;
}

}  // namespace slimfit

namespace slimfit {

/** in·keep_scale where kept, else 0; the product in double and rounded once, as the reference does. */
__device__ __forceinline__ float dropout_value(float in, uint32_t word, float p, double keep_scale) {
  return philox_uniform(word) >= p ? static_cast<float>(static_cast<double>(in) * keep_scale) : 0.0f;
}

}  // namespace slimfit

/**
 * out[i] = in[i]·keep_scale where the mask of element offset + i keeps it, else 0; keep_scale = 1/(1 − p) computed in
 * double by the caller, and the product rounded once as in the reference. One thread per Philox block (four
 * elements), grid-stride; the first and last blocks may be partly outside [offset, offset + n). When a block's four
 * elements are one aligned float4 of both buffers (offset a multiple of 4), they move as one load and one store:
 * four scalar accesses 16 bytes apart across a warp had held the kernel at 42% of the copy bandwidth on an H100.
 */
extern "C" __global__ void slimfit_dropout_f32(const float* in, float* out, int64_t n, float p, double keep_scale,
                                               uint64_t seed, int64_t offset) {
  if (n <= 0) {
    return;
  }
  const int64_t first_block = offset >> 2;
  const int64_t blocks = ((offset + n - 1) >> 2) - first_block + 1;
  const bool quads = (offset & 3) == 0 && slimfit::aligned(in, 16) && slimfit::aligned(out, 16);
  for (int64_t b = slimfit::global_thread_index(); b < blocks; b += slimfit::grid_thread_count()) {
    const int64_t block = first_block + b;
    const uint4 words = slimfit::philox_block(seed, static_cast<uint64_t>(block));
    const int64_t first = block * 4 - offset;
    if (quads && first + 3 < n) {
      const float4 v = reinterpret_cast<const float4*>(in)[first / 4];
      reinterpret_cast<float4*>(out)[first / 4] = make_float4(
          slimfit::dropout_value(v.x, words.x, p, keep_scale), slimfit::dropout_value(v.y, words.y, p, keep_scale),
          slimfit::dropout_value(v.z, words.z, p, keep_scale), slimfit::dropout_value(v.w, words.w, p, keep_scale));
      continue;
    }
    const uint32_t word[4] = {words.x, words.y, words.z, words.w};
#pragma unroll
    for (int w = 0; w < 4; ++w) {
      const int64_t i = first + w;
      if (i >= 0 && i < n) {
        out[i] = slimfit::dropout_value(in[i], word[w], p, keep_scale);
      }
    }
  }
}
