package dev.slimfit.model.assets;

import java.io.IOException;

/**
 * A model or data set could not be obtained or read; the message says what is missing and what to install or run
 * to get it.
 */
public final class AssetUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public AssetUnavailableException(String message) {
        super(message);
    }

    public AssetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
