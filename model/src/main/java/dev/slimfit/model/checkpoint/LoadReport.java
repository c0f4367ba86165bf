package dev.slimfit.model.checkpoint;

import java.util.List;

/**
 * What a checkpoint load did: which model parameters it filled, which it did not (the caller initialises those,
 * e.g. a new classifier head or a pooler the file lacks; a trainer must train them), and which file tensors had no
 * place in the model.
 *
 * @param source     the file loaded
 * @param rule       how file names were matched to model names
 * @param loaded     model parameters filled from the file
 * @param missing    model parameters the file did not provide, in model order
 * @param unexpected file tensors the model has no parameter for, by their names in the file
 */
public record LoadReport(String source, PrefixRule rule, List<String> loaded, List<String> missing,
                         List<String> unexpected) {

    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
    }

    /** Whether every model parameter came from the file. */
    public boolean isComplete() {
        return missing.isEmpty();
    }

    /** Throws unless every model parameter came from the file. */
    public LoadReport requireComplete() throws CheckpointFormatException {
        if (!missing.isEmpty()) {
            throw CheckpointFormatException.file(source, missing.size() + " model parameters are not in the file: "
                    + abbreviated(missing));
        }
        return this;
    }

    /** Throws, naming the tensors, when the report shows what {@code options} do not allow. */
    public void check(LoadOptions options) throws CheckpointFormatException {
        if (!options.allowUnexpected() && !unexpected.isEmpty()) {
            throw CheckpointFormatException.file(source, unexpected.size() + " tensors have no parameter in the "
                    + "model (" + rule + "): " + abbreviated(unexpected) + "; allow unexpected tensors to load it "
                    + "anyway");
        }
        if (!options.allowMissing()) {
            requireComplete();
        }
    }

    /** At most this many names are listed in a message. */
    private static final int LISTED_NAMES = 8;

    static String abbreviated(List<String> names) {
        if (names.size() <= LISTED_NAMES) {
            return names.toString();
        }
        return names.subList(0, LISTED_NAMES) + " and " + (names.size() - LISTED_NAMES) + " more";
    }

    @Override
    public String toString() {
        return "LoadReport[" + source + ": " + loaded.size() + " loaded (" + rule + "), missing "
                + abbreviated(missing) + ", unexpected " + abbreviated(unexpected) + "]";
    }
}
