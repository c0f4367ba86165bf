// Elementwise kernels over contiguous float32 buffers (the CUDA side of kernels' Elementwise contract).
#pragma once
#include <cstdint>

extern "C" __global__ void slimfit_add_f32(const float* __restrict__ a, const float* __restrict__ b,
                                           float* __restrict__ out, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    out[i] = a[i] + b[i];
  }
}
