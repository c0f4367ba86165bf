package dev.slimfit.kernels.cuda;

/** A CUDA event on the provider's stream: a point to wait for, and a clock for timing work on the GPU. */
public interface CudaEvent extends AutoCloseable {

    /** Records the event at the current end of the stream. */
    void record();

    /** Blocks until the work before the last {@link #record()} has finished. */
    void synchronize();

    /** GPU time in milliseconds from {@code earlier} to this event (both recorded and finished). */
    float millisecondsSince(CudaEvent earlier);

    @Override
    void close();
}
