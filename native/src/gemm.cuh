#pragma once
// Support for cuBLAS's pointer-array batched GEMM (cublasSgemmBatched), which the Java side uses for a two-level
// batch that no single stride describes: attention's heads within examples, read in place from [batch, seq, heads·d]
// (product (g, i) = example g, head i). Filling the arrays on the device keeps the launch asynchronous: no host
// buffer has to outlive the call.

/*
 * The pointer arrays of groups × batch products: product p = g·batch + i of operand X starts at
 * x + g·group_x + i·stride_x (in floats). The arrays of A, B and C lie one after another in `arrays`, each
 * groups·batch pointers long. Grid-stride over the products.
 */
extern "C" __global__ void slimfit_gemm_pointers(const float** arrays, int64_t batch, int64_t groups, const float* a,
                                                 int64_t stride_a, int64_t group_a, const float* b, int64_t stride_b,
                                                 int64_t group_b, const float* c, int64_t stride_c, int64_t group_c) {
  const int64_t count = batch * groups;
  for (int64_t p = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; p < count;
       p += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t g = p / batch;
    const int64_t i = p - g * batch;
    arrays[p] = a + g * group_a + i * stride_a;
    arrays[count + p] = b + g * group_b + i * stride_b;
    arrays[2 * count + p] = c + g * group_c + i * stride_c;
  }
}
