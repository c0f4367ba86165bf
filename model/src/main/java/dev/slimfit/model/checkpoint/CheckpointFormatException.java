package dev.slimfit.model.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file (safetensors, config.json, ONNX) that cannot be used as it is. The message always starts with
 * the file and names the tensor or field at fault, e.g. {@code model.safetensors: tensor 'bert.pooler.dense.weight':
 * shape [384, 384] expected, file has [384, 385]}. Thrown before anything is copied into a model, so a model that
 * saw this exception still holds the weights it had.
 */
public final class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{source}: {problem}" for a problem with the file as a whole (its size, its header length). */
    public static CheckpointFormatException file(String source, String problem) {
        return new CheckpointFormatException(source + ": " + problem);
    }

    /** "{source}: tensor '{tensor}': {problem}". */
    public static CheckpointFormatException tensor(String source, String tensor, String problem) {
        return new CheckpointFormatException(source + ": tensor '" + tensor + "': " + problem);
    }

    /** "{source}: field '{field}' {problem}". */
    public static CheckpointFormatException field(String source, String field, String problem) {
        return new CheckpointFormatException(source + ": field '" + field + "' " + problem);
    }
}
