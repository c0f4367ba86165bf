package dev.slimfit.train.task;

import dev.slimfit.engine.Scope;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.model.nn.Module;

import java.util.function.IntConsumer;

/**
 * What every task's evaluation does around its forward passes: the model in eval mode (dropout off) and gradients
 * off, consecutive batches of example indices, one scope per batch so its tensors are freed at once, progress after
 * each batch, and the model's mode restored afterwards.
 */
final class EvaluationLoop {

    /** One batch: {@code indices} are {@code first, first + 1, ...}; tensors it creates are freed after it. */
    @FunctionalInterface
    interface Batch {
        void run(int first, int[] indices);
    }

    private EvaluationLoop() {
    }

    /** Runs {@code batch} over examples {@code [0, n)} in batches of {@code batchSize}. */
    static void run(Module model, int n, int batchSize, IntConsumer progress, Batch batch) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (GradMode.Restore off = GradMode.disabled()) {
            for (int first = 0; first < n; first += batchSize) {
                int size = Math.min(batchSize, n - first);
                int[] indices = new int[size];
                for (int i = 0; i < size; i++) {
                    indices[i] = first + i;
                }
                try (Scope scope = Scope.open()) {
                    batch.run(first, indices);
                }
                progress.accept(first + size);
            }
        } finally {
            model.train(wasTraining);
        }
    }

    /** The class with the largest logit in row {@code row} of a [rows, classes] array (the first on ties). */
    static int argmax(float[] logits, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[row * classes + c] > logits[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}
