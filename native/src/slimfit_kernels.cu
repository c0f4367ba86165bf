// The single translation unit nvcc compiles into slimfit_kernels.fatbin: it includes every kernel file.
// Kernels are extern "C" so that the driver API finds them by their plain names; the Java side lists the same names in
// dev.slimfit.kernels.cuda.KernelFunction (a test checks both lists against each other and against the fatbin).
#include "common.cuh"
#include "elementwise.cuh"
#include "activations.cuh"
#include "softmax.cuh"
#include "reductions.cuh"
#include "layernorm.cuh"
#include "embedding.cuh"
#include "dropout.cuh"
#include "losses.cuh"
#include "optimizers.cuh"
#include "codecs.cuh"
#include "gemm.cuh"
