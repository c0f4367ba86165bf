package dev.slimfit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a main class in a fresh JVM with this JVM's java binary, flags and class path. Each mode of a comparison runs
 * in its own process so that its peak resident set (and allocator caches, JIT and GC state) is its own.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Runs {@code mainClass args}, passing every output line to {@code onLine}, and returns the exit code.
     */
    public static int run(Class<?> mainClass, List<String> args, Consumer<String> onLine) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // agent and debugger flags would clash on ports; the rest (modules, native access, heap) carries over
            if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent")) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                onLine.accept(line);
            }
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + mainClass.getSimpleName(), e);
        }
    }
}
