// Pointwise activations (exact erf GELU, tanh) and their gradients: kernels' Activations contract. Outputs may alias
// inputs. normcdff is accurate to a few ulps relative to itself over the whole line, so x·Φ(x) stays accurate in the
// far negative tail as the reference's does.
#pragma once
#include "common.cuh"
#include "elementwise.cuh"

namespace slimfit {

/** 1/√(2π), the normal density's constant. */
constexpr float INV_SQRT_2PI = 0.3989422804014327f;

__device__ __forceinline__ float gelu(float x) {
  return x * normcdff(x);
}

/** d/dx of x·Φ(x) = Φ(x) + x·φ(x). */
__device__ __forceinline__ float gelu_derivative(float x) {
  const float density = expf(-0.5f * x * x) * INV_SQRT_2PI;
  return fmaf(x, density, normcdff(x));
}

}  // namespace slimfit

extern "C" __global__ void slimfit_gelu_forward_f32(const float* x, float* y, int64_t n) {
  slimfit::map_unary(x, y, n, [](float v) { return slimfit::gelu(v); });
}

extern "C" __global__ void slimfit_gelu_backward_f32(const float* x, const float* dy, float* dx, int64_t n) {
  slimfit::map_binary(x, dy, dx, n, [](float v, float g) { return g * slimfit::gelu_derivative(v); });
}

extern "C" __global__ void slimfit_tanh_forward_f32(const float* x, float* y, int64_t n) {
  slimfit::map_unary(x, y, n, [](float v) { return tanhf(v); });
}

/** dx = dy·(1 − y²), with 1 − y² rounded once (it cancels as |y| → 1). */
extern "C" __global__ void slimfit_tanh_backward_f32(const float* y, const float* dy, float* dx, int64_t n) {
  slimfit::map_binary(y, dy, dx, n, [](float v, float g) { return g * fmaf(-v, v, 1.0f); });
}
