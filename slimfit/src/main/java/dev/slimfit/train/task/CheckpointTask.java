package dev.slimfit.train.task;

import dev.slimfit.model.nn.Module;

import java.util.List;

/**
 * What every task over a loaded checkpoint holds alike: the model (closed with the task), the tensors the checkpoint
 * did not provide, and the one-line description for reports.
 */
abstract class CheckpointTask<M extends Module> implements Task {

    protected final M model;
    private final List<String> notFromCheckpoint;
    private final String description;

    CheckpointTask(M model, List<String> notFromCheckpoint, String description) {
        this.model = model;
        this.notFromCheckpoint = List.copyOf(notFromCheckpoint);
        this.description = description;
    }

    @Override
    public final Module model() {
        return model;
    }

    @Override
    public final List<String> notFromCheckpoint() {
        return notFromCheckpoint;
    }

    @Override
    public final String describe() {
        return description;
    }

    @Override
    public void close() {
        model.close();
    }
}
