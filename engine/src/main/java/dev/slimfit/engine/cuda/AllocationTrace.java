package dev.slimfit.engine.cuda;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The requests a {@link CachingAllocator} serves, in order, written as text so that {@link AllocatorReplay} can run the
 * same sequence through other pool policies on any machine: a GPU run records it once
 * ({@code -Dslimfit.cuda.allocationTrace=FOLDER}), the policy is then studied offline. One event per line:
 * {@code a ADDRESS BYTES} (a block handed out for a request of BYTES), {@code f ADDRESS} (that block freed),
 * {@code r} (the caller started a new measurement window: {@link CachingAllocator#resetPeaks()}). Addresses are hex.
 */
public interface AllocationTrace {

    /** System property naming the folder where each CUDA device's process writes {@code allocations-PID.trace}. */
    String FOLDER_PROPERTY = "slimfit.cuda.allocationTrace";

    /** Records nothing. */
    AllocationTrace NONE = new AllocationTrace() {
        @Override
        public void allocated(long address, long bytes) {
        }

        @Override
        public void freed(long address) {
        }

        @Override
        public void peaksReset() {
        }
    };

    void allocated(long address, long bytes);

    void freed(long address);

    void peaksReset();

    /**
     * The trace asked for by {@link #FOLDER_PROPERTY}, or {@link #NONE}. The file is flushed and closed when the JVM
     * exits (the trace must outlive the device, which is never closed before that).
     */
    static AllocationTrace fromSystemProperty() {
        String folder = System.getProperty(FOLDER_PROPERTY);
        if (folder == null || folder.isBlank()) {
            return NONE;
        }
        Path file = Path.of(folder, "allocations-" + ProcessHandle.current().pid() + ".trace");
        try {
            Files.createDirectories(file.getParent());
            ToFile trace = new ToFile(Files.newBufferedWriter(file, StandardCharsets.US_ASCII));
            Runtime.getRuntime().addShutdownHook(new Thread(trace::close, "allocation-trace-close"));
            return trace;
        } catch (IOException e) {
            throw new UncheckedIOException("-D" + FOLDER_PROPERTY + ": cannot write " + file, e);
        }
    }

    /** Writes the events as text lines. */
    final class ToFile implements AllocationTrace, AutoCloseable {
        private final BufferedWriter out;

        ToFile(BufferedWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void allocated(long address, long bytes) {
            write("a " + Long.toHexString(address) + " " + bytes);
        }

        @Override
        public synchronized void freed(long address) {
            write("f " + Long.toHexString(address));
        }

        @Override
        public synchronized void peaksReset() {
            write("r");
        }

        @Override
        public synchronized void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the allocation trace", e);
            }
        }

        private void write(String line) {
            try {
                out.write(line);
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("writing the allocation trace", e);
            }
        }
    }
}
