package dev.slimfit.model.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheDirectoryTest {

    @Test
    void systemPropertyThenEnvironmentThenHome() {
        Map<String, String> env = Map.of(CacheDirectory.ENVIRONMENT_VARIABLE, "/from/env");
        assertEquals(Path.of("/from/property"), CacheDirectory.resolve("/from/property", env, "/home/u"));
        assertEquals(Path.of("/from/env"), CacheDirectory.resolve(null, env, "/home/u"));
        assertEquals(Path.of("/from/env"), CacheDirectory.resolve("  ", env, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/slimfit"), CacheDirectory.resolve(null, Map.of(), "/home/u"));
    }
}
