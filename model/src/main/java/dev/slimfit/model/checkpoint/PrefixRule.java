package dev.slimfit.model.checkpoint;

import java.util.Collection;

/**
 * Hugging Face's rule for loading checkpoints of base and task models into each other. A task model holds its
 * encoder under a base-model prefix ({@code bert.embeddings...}); a base model holds it without
 * ({@code embeddings...}). The prefix is added to the file's names when the model expects it and the file has
 * none of it (a task model from a base checkpoint), and stripped when the file has it and the model does not (a
 * base model from a task checkpoint, whose head tensors then have no place in the model); otherwise names are
 * used as they are.
 */
public enum PrefixRule {
    /** File names are model names. */
    AS_IS,
    /** {@code prefix.} is put in front of every file name. */
    ADD_PREFIX,
    /** {@code prefix.} is taken off the file names that start with it. */
    STRIP_PREFIX;

    /** The rule for a model with {@code modelNames} loading a file with {@code fileNames}. */
    public static PrefixRule choose(String prefix, Collection<String> modelNames, Collection<String> fileNames) {
        String dotted = prefix + ".";
        boolean modelHasPrefix = modelNames.stream().anyMatch(n -> n.startsWith(dotted));
        boolean fileHasPrefix = fileNames.stream().anyMatch(n -> n.startsWith(dotted));
        if (modelHasPrefix && !fileHasPrefix) {
            return ADD_PREFIX;
        }
        if (fileHasPrefix && !modelHasPrefix) {
            return STRIP_PREFIX;
        }
        return AS_IS;
    }

    /**
     * The model name for {@code fileName}. Under {@link #ADD_PREFIX} a file name that the model holds as it is
     * (a task head saved together with a base encoder) keeps its name; the caller passes whether it does.
     */
    public String modelName(String prefix, String fileName, boolean modelHasNameAsIs) {
        String dotted = prefix + ".";
        return switch (this) {
            case AS_IS -> fileName;
            case ADD_PREFIX -> modelHasNameAsIs ? fileName : dotted + fileName;
            case STRIP_PREFIX -> fileName.startsWith(dotted) ? fileName.substring(dotted.length()) : fileName;
        };
    }
}
