/**
 * Compute over raw buffers: one Java interface per kernel family, implemented by the scalar reference
 * ({@code ref}), the Panama Vector API CPU kernels ({@code cpu}) and the CUDA launchers ({@code cuda}).
 *
 * <h2>Buffer convention</h2>
 * Every buffer is a {@link java.lang.foreign.MemorySegment} whose first byte is element 0 of the operand (callers
 * slice views before calling). Element types are fixed by each method: float32 unless the parameter says int32
 * ({@code indices}, {@code targets}), int8/uint8 (codecs) or packed int4. On a CUDA provider the segment's address is
 * a device pointer: it is a handle only and is never dereferenced on the host. Kernels own nothing: they never keep a
 * buffer after returning and never allocate memory the caller can see.
 *
 * <h2>Shapes</h2>
 * Matrices are row-major. {@code rows × cols} operations treat the buffer as {@code rows} contiguous rows of
 * {@code cols} elements. Sizes may be zero; a kernel with nothing to do returns without touching its buffers.
 * Implementations validate what only they can see cheaply (an embedding index out of range, a class target out of
 * range) and throw {@link IndexOutOfBoundsException} naming the kernel, the position and the bound; shapes and
 * dtypes are validated by the engine before a kernel runs.
 */
package dev.slimfit.kernels;
