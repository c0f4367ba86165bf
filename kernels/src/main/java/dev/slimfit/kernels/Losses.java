package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Training losses. Each forward writes one float (the mean loss) to {@code lossOut[0]}; backward recomputes what
 * it needs from the inputs (no probabilities are stored) and overwrites the gradient buffer.
 */
public interface Losses {

    /**
     * Mean over counted rows of {@code −log softmax(logits[r, :])[targets[r]]}; a row whose int32 target equals
     * {@code ignoreIndex} is not counted. With no counted row the loss is 0. A target outside
     * {@code [0, classes)} that is not {@code ignoreIndex} throws {@link IndexOutOfBoundsException}.
     */
    void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex,
                             MemorySegment lossOut);

    /**
     * {@code dLogits[r, :] = dLoss·(softmax(logits[r, :]) − onehot(targets[r])) / counted} for counted rows, 0 for
     * ignored rows.
     */
    void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex,
                              float dLoss, MemorySegment dLogits);

    /** Mean over {@code n} elements of {@code (pred − target)²}; 0 when {@code n == 0}. */
    void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut);

    /** {@code dPred = dLoss·2·(pred − target)/n}. */
    void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred);
}
