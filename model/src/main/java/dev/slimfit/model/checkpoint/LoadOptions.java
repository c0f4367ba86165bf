package dev.slimfit.model.checkpoint;

/**
 * What a load tolerates, decided before any byte is copied (so a refused load leaves the model as it was).
 *
 * @param allowMissing    model parameters the file does not provide are only reported (a new task head, a pooler
 *                        the checkpoint lacks); otherwise they are an error
 * @param allowUnexpected file tensors without a parameter in the model are only reported (the head of a task
 *                        checkpoint loaded into a base model); otherwise they are an error
 */
public record LoadOptions(boolean allowMissing, boolean allowUnexpected) {

    /** The file and the model hold the same parameters: resuming a checkpoint of this very model. */
    public static final LoadOptions EXACT = new LoadOptions(false, false);

    /** A pretrained encoder into a task model: the new head is reported missing; nothing in the file may be left. */
    public static final LoadOptions ALLOW_MISSING = new LoadOptions(true, false);

    /** Take what fits and report the rest both ways (a base model from a task checkpoint). */
    public static final LoadOptions LENIENT = new LoadOptions(true, true);
}
