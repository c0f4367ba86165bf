package dev.slimfit.train.data.squad;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The questions of one SQuAD file ({@code train-v1.1.json}, {@code dev-v2.0.json}, ...) in file order, and the
 * release they follow.
 */
public record SquadDataset(Path file, SquadVersion version, List<SquadExample> examples) {

    public SquadDataset {
        examples = List.copyOf(examples);
    }

    /** Reads a SQuAD v1.1 or v2.0 JSON file; see {@link SquadReader}. */
    public static SquadDataset load(Path file) throws IOException {
        return SquadReader.read(file);
    }

    public int size() {
        return examples.size();
    }
}
