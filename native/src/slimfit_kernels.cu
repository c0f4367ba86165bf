// The single translation unit nvcc compiles into slimfit_kernels.fatbin: it includes every kernel file.
// Kernels are extern "C" so that the driver API finds them by their plain names.
#include "elementwise.cuh"
