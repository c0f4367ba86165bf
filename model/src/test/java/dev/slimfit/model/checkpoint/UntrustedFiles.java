package dev.slimfit.model.checkpoint;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one attempt to load a corrupt file and checks what a loader owes an untrusted file: it ends within
 * {@link #TIME_BOUND} (a hang fails the case), it either succeeds or throws a {@link CheckpointFormatException} whose
 * message starts with the file's name (any other exception, or an error such as OutOfMemoryError, fails the case),
 * and the heap it allocates stays within {@link #heapBound(long)} of the file's size, so that no length, count or
 * dimension read from the file can make it allocate more than the file could justify.
 */
public final class UntrustedFiles {

    /** Far above what any case needs (milliseconds) on a loaded 2-core machine; only a hang reaches it. */
    public static final Duration TIME_BOUND = Duration.ofSeconds(20);

    /**
     * Heap a failed or successful attempt may allocate besides the multiple of the file: parser buffers, the
     * exception with its stack trace, the message. Small next to what a trusted length of 2^31 or more would cost.
     */
    public static final long FIXED_HEAP_ALLOWANCE = 2L << 20;

    /** Heap per byte of file: a JSON tree or a parsed graph costs a small multiple of the text it came from. */
    public static final long HEAP_PER_FILE_BYTE = 16;

    /** What was attempted. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    /** How an attempt ended. */
    public record Outcome(boolean loaded, CheckpointFormatException error, long heapBytes) {
    }

    private UntrustedFiles() {
    }

    public static long heapBound(long fileBytes) {
        return FIXED_HEAP_ALLOWANCE + HEAP_PER_FILE_BYTE * fileBytes;
    }

    /**
     * Runs {@code attempt} on a file of {@code fileBytes} bytes named {@code source} in messages, and checks the
     * contract above; {@code caseName} names the mutation in failures.
     */
    public static Outcome attempt(String caseName, String source, long fileBytes, Attempt attempt) {
        Outcome outcome = assertTimeoutPreemptively(TIME_BOUND, () -> {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            CheckpointFormatException error = null;
            try {
                attempt.run();
            } catch (CheckpointFormatException e) {
                error = e;
            } catch (Throwable t) {
                fail(caseName + ": a corrupt file must fail with a CheckpointFormatException, not " + t, t);
            }
            long heap = threads.getCurrentThreadAllocatedBytes() - before;
            return new Outcome(error == null, error, heap);
        }, caseName + ": took longer than " + TIME_BOUND);
        if (outcome.error() != null) {
            String message = outcome.error().getMessage();
            assertTrue(message.startsWith(source), caseName + ": the message names the file: " + message);
        }
        assertTrue(outcome.heapBytes() <= heapBound(fileBytes), caseName + ": allocated " + outcome.heapBytes()
                + " heap bytes for a file of " + fileBytes + " (bound " + heapBound(fileBytes) + ")");
        return outcome;
    }

    /** Checks that a failed attempt's message names {@code subject} (a tensor, a field). */
    public static void assertNames(String caseName, Outcome outcome, String subject) {
        assertTrue(outcome.error() != null, caseName + ": should have been refused");
        assertTrue(outcome.error().getMessage().contains(subject), caseName + ": the message names " + subject + ": "
                + outcome.error().getMessage());
    }
}
