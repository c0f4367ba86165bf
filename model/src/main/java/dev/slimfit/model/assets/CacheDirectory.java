package dev.slimfit.model.assets;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where downloaded assets are kept: the system property {@value #PROPERTY} if set, else the environment variable
 * {@value #ENVIRONMENT_VARIABLE}, else {@code ~/.cache/slimfit}.
 */
public final class CacheDirectory {

    public static final String PROPERTY = "slimfit.cache";
    public static final String ENVIRONMENT_VARIABLE = "SLIMFIT_CACHE";

    private CacheDirectory() {
    }

    /** The cache folder for this process (it may not exist yet). */
    public static Path resolve() {
        return resolve(System.getProperty(PROPERTY), System.getenv(), System.getProperty("user.home"));
    }

    /** The rule itself, with its three inputs passed in so that it can be tested. */
    static Path resolve(String property, Map<String, String> environment, String userHome) {
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment).toAbsolutePath();
        }
        return Path.of(userHome, ".cache", "slimfit").toAbsolutePath();
    }
}
