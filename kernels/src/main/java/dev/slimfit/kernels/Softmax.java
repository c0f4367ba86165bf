package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/** Softmax over the last dimension of a {@code rows × cols} float32 matrix. */
public interface Softmax {

    /**
     * {@code y[r, :] = softmax(scale·x[r, :] + mask[r / rowsPerMaskRow, :])}. The additive {@code mask} (float32,
     * {@code cols} per mask row) may be null. For attention scores of shape [B, H, Sq, Sk] flattened to
     * {@code B·H·Sq} rows and a padding mask [B, Sk], {@code rowsPerMaskRow = H·Sq}. A row whose every logit is
     * −∞ gives zeros (not NaN). {@code y} may alias {@code x}.
     */
    void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow,
                 MemorySegment y);

    /** {@code dx[r, :] = scale · y[r, :] ⊙ (dy[r, :] − Σ_c dy[r, c]·y[r, c])}; {@code dx} may alias {@code dy}. */
    void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx);
}
