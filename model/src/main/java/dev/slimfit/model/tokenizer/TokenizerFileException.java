package dev.slimfit.model.tokenizer;

import java.io.IOException;

/** A tokenizer file (tokenizer.json or vocab.txt) that cannot be used; the message names the file and the field. */
public final class TokenizerFileException extends IOException {

    private static final long serialVersionUID = 1L;

    TokenizerFileException(String message) {
        super(message);
    }

    TokenizerFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{source}: field '{field}' {problem}". */
    static TokenizerFileException field(String source, String field, String problem) {
        return new TokenizerFileException(source + ": field '" + field + "' " + problem);
    }
}
